/// Why a cycle started, as the event stream names it.
public enum TriggerKind: String, Sendable, Equatable {
    case start, change, manual, config, crash, resource

    init(_ trigger: CycleTrigger) {
        switch trigger {
        case .initialStart: self = .start
        case .changes: self = .change
        case .manualRestart: self = .manual
        case .configChanged: self = .config
        case .crashRestart: self = .crash
        case .resourceRestart: self = .resource
        }
    }
}

/// What the server does after it exited on its own.
public enum AfterExit: Equatable, Sendable {
    case restart(in: Duration)
    case waitForChange
}

/// Everything the loop tells the world: the narrator renders each for the terminal, the event
/// log writes the ones in the `watch --events` contract as NDJSON.
public enum LoopEvent: Equatable, Sendable {
    // The `--events` contract (schemas/altv-dev.events.schema.json).
    case cycleStarted(cycle: Int, trigger: CycleTrigger, plan: PlanSummary?)
    case stageStarted(cycle: Int, stage: String, gate: Bool)
    /// A problem a stage's tool printed (before its `stageFinished`); later, the server's.
    case diagnostic(cycle: Int?, Diagnostic)
    case stageFinished(cycle: Int, result: StageResult)
    /// The first and last events of a `watch`: what runs, and how it ended.
    case watchStarted(version: String, config: String, platform: String)
    case watchStopped(exitCode: Int32)
    case serverStopped(cycle: Int, pid: Int32, duration: Duration, killed: Bool)
    case serverStarted(cycle: Int, pid: Int32)
    case serverReady(cycle: Int, pid: Int32, after: Duration)
    /// `fallsBack`: the console could not do it, so the whole server restarts.
    case resourcesRestarted(cycle: Int, resources: [String], ok: Bool, duration: Duration, failure: ResourceRestartFailure?, fallsBack: Bool)
    /// Resources whose folders are gone, stopped through the console (dependents the server stopped with them included).
    case resourcesStopped(cycle: Int, resources: [String], duration: Duration)
    /// A resource that did not load (at start or at a restart), with the server's lines for it.
    case resourceFailed(cycle: Int, FailedResource)
    case clientReconnected(cycle: Int?, was: String, duration: Duration)
    /// `[reconnect] command` ran after the ready line, instead of the debug endpoint (FiveM has none).
    case clientCommand(cycle: Int?, ReconnectCommandReport)
    /// `refused`: the client answered and would not (a wrong password, another program); else it was not there.
    /// `again`: not there, as the last reconnect already said; told only with --verbose.
    case clientFailed(cycle: Int?, reason: ClientFailure, refused: Bool, again: Bool = false)
    case cycleFinished(cycle: Int, outcome: CycleOutcome, report: CycleReport)
    case serverExited(pid: Int32, status: ExitStatus, uptime: Duration, lastLines: [String], then: AfterExit)
    case serviceReady(service: String, pid: Int32)
    case serviceExited(service: String, pid: Int32, status: ExitStatus, uptime: Duration, lastLines: [String])
    /// Each change as `key: before → after`, secrets masked.
    case configReloaded(changes: [String])
    case configRejected(file: String, errors: [ConfigError])

    // Terminal only: what a cycle is doing now (the status line), the scheduler's decisions, the loop's own notes.
    case phase(cycle: Int, CyclePhase)
    case changeQueued(ChangeSet, behind: Int, because: QueueReason)
    case changeDuringCycle(Int)
    case loopStopped(StageFeedbackGuard.Verdict)
    case stopping(StopCause)
    /// A second signal while stopping.
    case killingNow(signal: Int32)
    /// Everything else altv-dev says.
    case notice(Notice)

    /// The cycle an event belongs to, if any.
    public var cycle: Int? {
        switch self {
        case .cycleStarted(let cycle, _, _), .stageFinished(let cycle, _), .serverStopped(let cycle, _, _, _),
            .serverStarted(let cycle, _), .serverReady(let cycle, _, _), .resourcesRestarted(let cycle, _, _, _, _, _), .resourcesStopped(let cycle, _, _),
            .cycleFinished(let cycle, _, _), .resourceFailed(let cycle, _):
            cycle
        case .clientReconnected(let cycle, _, _), .clientFailed(let cycle, _, _, _), .clientCommand(let cycle, _): cycle
        case .stageStarted(let cycle, _, _): cycle
        case .diagnostic(let cycle, _): cycle
        default: nil
        }
    }
}

/// Why a change set waits for the cycle in flight instead of starting over.
public enum QueueReason: Equatable, Sendable {
    /// `on_busy = "queue"`.
    case onBusyQueue
    /// The cycle is starting the server or restarting resources, which is never cut off.
    case serverStarting
}

/// A step of a cycle, as the status line names it.
public enum CyclePhase: Equatable, Sendable {
    case building([String])
    case waitingForServices
    case restartingResources([String])
    case stoppingResources([String])
    case stopping
    case starting
    case waitingForReady
    case reconnecting
}

/// What a change-started cycle is about to do, said when it starts.
public struct PlanSummary: Equatable, Sendable {
    public var stages: [String]
    /// `gate = false` stages started beside the cycle.
    public var checks: [String]
    /// False when only checks care about the change: nothing is restarted.
    public var restarts: Bool
    /// Resources whose folders are gone, stopped through the console.
    public var stops: [String]
    /// Resources restarted in the server's console; nil for a full restart.
    public var resources: [String]?
    public var fullRestartReason: FullRestartReason?

    init(_ plan: Plan) {
        stages = plan.stageNames
        checks = plan.checkNames
        stops = plan.actions.lazy.compactMap { action -> [String]? in
            if case .stopResources(let names) = action { return names }
            return nil
        }.first ?? []
        restarts = plan.actions.contains { $0 == .startServer || $0.isResourceRestart }
        fullRestartReason = plan.fullRestartReason
        resources = plan.fallback.isEmpty ? nil : plan.resourcesToRestart
    }
}

/// How a cycle ended, for what happens to its change set.
public enum CycleOutcome: Equatable, Sendable {
    case completed
    /// A stage failed: the change set is kept for the next cycle to try again.
    case stageFailed
    /// A stage failed, but the resources it does not build were restarted: only `retry` (the
    /// changed paths it ran for, absolute) is kept for the next cycle.
    case partlyApplied(retry: [String])
    case cancelled
}

extension LoopEvent {
    /// A stage's end: its diagnostics, then its verdict.
    static func stageEnded(cycle: Int, _ result: StageResult) -> [LoopEvent] {
        result.diagnostics.map { .diagnostic(cycle: cycle, $0) } + [.stageFinished(cycle: cycle, result: result)]
    }
}
