/// What the plan executor needs of the world, as small protocols: the real ones run processes
/// and HTTP, the unit tests' fakes run nothing.

/// One start of the server.
public protocol ServerInstance: Sendable {
    var pid: Int32 { get }
    var startedAt: ContinuousClock.Instant { get }
    var exitStatus: ExitStatus? { get }
    var exitedAt: ContinuousClock.Instant? { get }
    var readyAt: ContinuousClock.Instant? { get }
    /// The resources the server failed to load before its ready line, with its lines for each.
    var failedResourcesAtStart: [FailedResource] { get }
    func waitUntilReady(timeout: Duration) async -> ServerRun.ReadyOutcome
    /// Nil if cancelled, or if `deadline` passed first.
    func waitForExit(until deadline: ContinuousClock.Instant?) async -> ExitStatus?
    /// Returns when the ready line is seen: true; false if cancelled first.
    func waitForReadyLine() async -> Bool
}

/// How a server stop went.
public struct ServerStop: Equatable, Sendable {
    public var pid: Int32
    public var duration: Duration
    /// SIGKILL was needed.
    public var killed: Bool

    public init(pid: Int32, duration: Duration, killed: Bool) {
        self.pid = pid
        self.duration = duration
        self.killed = killed
    }
}

public enum PortWait: Equatable, Sendable {
    case free
    /// Still taken after the wait; who holds it, if known.
    case held(by: String?)
}

public protocol ServerControl: Sendable {
    /// Stops the current server (signal, timeout, SIGKILL to its group); nil if none ran. Not cancellable.
    func stop() async -> ServerStop?
    func waitForPort(_ port: Int, timeout: Duration) async -> PortWait
    func start(settings: ServerSettings, hiding: [String]) async throws -> any ServerInstance
    /// Restarts (or starts) each of `roots` through the console, one at a time, each with the
    /// dependents the server reloads with it; `graph` names the dependents to start again after a root that was not loaded.
    func restartResources(_ roots: [String], graph: ResourceGraph, timeout: Duration) async -> ResourceRestartOutcome
    /// `stop <name>` through the console for each the server has loaded.
    func stopResources(_ names: [String], timeout: Duration) async -> ResourceStopOutcome
}

/// What became of `stop <name>` typed for resources whose folders are gone.
public enum ResourceStopOutcome: Equatable, Sendable {
    /// What the server stopped, dependents included; empty when none was loaded.
    case stopped([String])
    /// The console did not do it: a full restart may.
    case failed(ResourceRestartFailure)
    case cancelled
}

/// What became of `restart <name>` (or `start <name>`) typed into the server's console.
public enum ResourceRestartOutcome: Equatable, Sendable {
    /// Every resource came back: the roots and the dependents the server loaded again with them.
    case restarted([String])
    /// The server answered, but resources failed to load (their own code, or a dependent that did
    /// not come back): the server keeps running, and a full restart would mend nothing.
    case loadFailed(restarted: [String], failed: [FailedResource])
    /// The console did not do it (the server died, stopped answering or refused the command): a full restart may.
    case failed(ResourceRestartFailure)
    case cancelled
}

/// A resource that did not load, with what the server printed while it tried.
public struct FailedResource: Equatable, Sendable {
    public var name: String
    /// The server's lines for it (a JS error block), escapes stripped, secrets masked; empty when it printed none.
    public var lines: [String]
    public var kind: Kind

    public enum Kind: String, Equatable, Sendable {
        /// The server printed `Failed to load resource <name>`.
        case failedToLoad = "failed to load"
        /// Stopped with the resource it depends on, and not loaded again in time.
        case notReloaded = "was not loaded again"
    }

    public init(name: String, lines: [String], kind: Kind = .failedToLoad) {
        self.name = name
        self.lines = lines
        self.kind = kind
    }
}

/// One batch of stages run together.
public struct StageBatchResult: Equatable, Sendable {
    public var results: [StageResult]
    /// Resources the stages were seen writing (by their `outputs`).
    public var resourcesWritten: [String]

    public init(results: [StageResult], resourcesWritten: [String] = []) {
        self.results = results
        self.resourcesWritten = resourcesWritten
    }
}

public protocol StageExecuting: Sendable {
    /// Runs one batch at the same time; `finished` hears each stage's result the moment it ends.
    func run(batch: [StageSettings], variables: [String: String], plan: Plan.Settings, finished: @escaping @Sendable (StageResult) -> Void) async
        -> StageBatchResult
    /// Starts `gate = false` stages beside `cycle` and returns: each tells its end as `.stageFinished`.
    /// A run of the same stage still going (an earlier cycle's) is stopped first.
    func startChecks(_ checks: [StageSettings], variables: [String: String], plan: Plan.Settings, cycle: Int) async
    /// Stops the checks still running and waits for their ends (altv-dev is stopping).
    func stopChecks() async
}

public protocol ServiceReadiness: Sendable {
    /// Waits for services still starting, each up to its `ready_timeout`.
    func waitUntilReady() async
}

public enum ReconnectResult: Equatable, Sendable {
    case reconnected(was: String, after: Duration)
    /// The client did not answer or never became ready: the server is fine, the game is not there.
    /// `again`: the client has been away since an earlier reconnect said so (said quietly this time).
    case notConnected(ClientFailure, again: Bool = false)
    case failed(ClientFailure)
    case cancelled
    /// `[reconnect] command` ran instead of the debug endpoint's flow.
    case ranCommand(ReconnectCommandReport)
}

public protocol ClientReconnecting: Sendable {
    func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult
    /// The reconnect after `cycle`'s ready line, on its own; it tells its outcome as events.
    func reconnectInBackground(_ settings: ReconnectSettings, cycle: Int, server: any ServerInstance) async -> BackgroundReconnect
    /// Cancels the one running on its own, if any (a newer cycle restarts the server).
    func cancelBackground() async
}

/// What the loop's shell does to the server beside a plan's steps.
public protocol ServerConsole: ServerControl {
    /// Begins stopping server `pid` without waiting; the next `stop()` waits for it and reports it.
    func beginStop(pid: Int32) async
    /// Types a line into the running server's console; false when none runs.
    func sendToConsole(_ line: String) async -> Bool
    /// SIGKILL to the server's process group at once.
    func killNow() async
}

public protocol ServiceControl: ServiceReadiness {
    /// Makes the running services match `settings`.
    func apply(_ settings: [ServiceSettings], server: ServerSettings, hiding: [String]) async
    /// altv-dev is stopping: none is restarted from now on, whatever ends it.
    func stopRestarting() async
    func stopAll() async
}

/// The watcher as the shell needs it.
public protocol WatcherControl: Sendable {
    /// Re-arms with `config`'s `[watch]`; reported back as `watcherRearmed`.
    func rearm(for config: Config)
    func stop()
}
