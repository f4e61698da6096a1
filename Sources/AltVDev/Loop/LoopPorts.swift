/// What the plan executor needs of the world, as small protocols: the real ones run processes
/// and HTTP, the unit tests' fakes run nothing.

/// One start of the server.
public protocol ServerInstance: Sendable {
    var pid: Int32 { get }
    var startedAt: ContinuousClock.Instant { get }
    var exitStatus: ExitStatus? { get }
    var exitedAt: ContinuousClock.Instant? { get }
    var readyAt: ContinuousClock.Instant? { get }
    /// "Failed to load resource" lines printed before the ready line.
    var failedResourcesAtStart: [String] { get }
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
    func isRunning() async -> Bool
    /// Stops the current server (signal, timeout, SIGKILL to its group); nil if none ran. Not cancellable.
    func stop() async -> ServerStop?
    func waitForPort(_ port: Int, timeout: Duration) async -> PortWait
    func start(settings: ServerSettings, hiding: [String]) async throws -> any ServerInstance
    func restartResources(_ names: [String], timeout: Duration) async -> ResourceRestartOutcome
}

/// What became of `restart <name>` typed into the server's console.
public enum ResourceRestartOutcome: Equatable, Sendable {
    case restarted
    case failed(String)
    case cancelled
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
    func run(batch: [StageSettings], variables: [String: String], plan: Plan.Settings) async -> StageBatchResult
}

public protocol ServiceReadiness: Sendable {
    /// Waits for services still starting, each up to its `ready_timeout`.
    func waitUntilReady() async
}

public enum ReconnectResult: Equatable, Sendable {
    case reconnected(was: String, after: Duration)
    /// The client did not answer or never became ready: the server is fine, the game is not there.
    case notConnected(String)
    case failed(String)
    case cancelled
}

/// `GET /status` sent the moment a server's ready line is seen; nil if it never was.
public typealias StatusPrefetch = Task<Result<ClientStatus, EndpointError>?, Never>

public protocol ClientReconnecting: Sendable {
    func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult
    /// Asks the client's status as soon as `server` prints its ready line, ahead of the cycle's bookkeeping.
    func prefetchStatus(_ settings: ReconnectSettings, whenReady server: any ServerInstance) -> StatusPrefetch?
    /// The reconnect flow, its first status taken from `prefetched` when that has one.
    func reconnect(_ settings: ReconnectSettings, prefetched: StatusPrefetch?) async -> ReconnectResult
}

extension ClientReconnecting {
    public func prefetchStatus(_ settings: ReconnectSettings, whenReady server: any ServerInstance) -> StatusPrefetch? { nil }
    public func reconnect(_ settings: ReconnectSettings, prefetched: StatusPrefetch?) async -> ReconnectResult {
        await reconnect(settings)
    }
}
