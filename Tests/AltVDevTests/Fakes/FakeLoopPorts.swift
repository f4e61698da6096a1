import Synchronization

@testable import AltVDev

/// What the fakes were asked to do, in order.
final class CallLog: Sendable {
    private let calls = Mutex<[String]>([])
    func add(_ call: String) { calls.withLock { $0.append(call) } }
    var all: [String] { calls.withLock { $0 } }
}

/// A server start whose ready line and exit the test sets.
final class FakeInstance: ServerInstance {
    let pid: Int32
    let startedAt: ContinuousClock.Instant
    let ready = Latch<ContinuousClock.Instant>()
    let exit = Latch<ExitStatus>()
    private let exitTime = Mutex<ContinuousClock.Instant?>(nil)
    let failed: [String]
    /// What `waitUntilReady` answers; nil: wait for `ready` or `exit`.
    let readyOutcome: ServerRun.ReadyOutcome?

    init(pid: Int32, readyOutcome: ServerRun.ReadyOutcome? = .ready(after: .milliseconds(40)), failedResources: [String] = []) {
        self.pid = pid
        self.startedAt = .now
        self.readyOutcome = readyOutcome
        self.failed = failedResources
        if case .ready(let after)? = readyOutcome { ready.fulfill(startedAt + after) }
    }

    func exit(_ status: ExitStatus) {
        exitTime.withLock { $0 = .now }
        exit.fulfill(status)
    }

    var exitStatus: ExitStatus? { exit.current }
    var exitedAt: ContinuousClock.Instant? { exitTime.withLock { $0 } }
    var readyAt: ContinuousClock.Instant? { ready.current }
    var failedResourcesAtStart: [FailedResource] { failed.map { FailedResource(name: $0, lines: ["Error: boom in \($0)"]) } }

    func waitUntilReady(timeout: Duration) async -> ServerRun.ReadyOutcome {
        if let readyOutcome { return readyOutcome }
        return await withTaskGroup(of: ServerRun.ReadyOutcome?.self) { race in
            race.addTask { await self.ready.wait().map { .ready(after: $0 - self.startedAt) } }
            race.addTask { await self.exit.wait().map { .exited($0, readyAfter: self.ready.current.map { $0 - self.startedAt }) } }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first ?? .cancelled
        }
    }

    func waitForReadyLine() async -> Bool {
        await ready.wait() != nil
    }

    func waitForExit(until deadline: ContinuousClock.Instant?) async -> ExitStatus? {
        guard let deadline else { return await exit.wait() }
        return await exit.wait(until: deadline)
    }
}

/// The server side: records stops, starts and resource restarts; answers as scripted.
actor FakeServer: ServerConsole {
    let log: CallLog
    var running: FakeInstance?
    var nextInstances: [FakeInstance]
    /// Nil: every resource asked for comes back.
    var resourceOutcome: ResourceRestartOutcome?
    private(set) var graphs: [ResourceGraph] = []
    var port: PortWait = .free
    private(set) var startedWith: [ServerSettings] = []

    init(log: CallLog, running: FakeInstance? = nil, next: [FakeInstance] = [FakeInstance(pid: 200)]) {
        self.log = log
        self.running = running
        self.nextInstances = next
    }

    func set(resourceOutcome: ResourceRestartOutcome) { self.resourceOutcome = resourceOutcome }
    func set(port: PortWait) { self.port = port }

    func isRunning() -> Bool { running != nil }

    func stop() -> ServerStop? {
        guard let running else { return nil }
        log.add("stop \(running.pid)")
        self.running = nil
        return ServerStop(pid: running.pid, duration: .milliseconds(30), killed: false)
    }

    func waitForPort(_ port: Int, timeout: Duration) -> PortWait { self.port }

    func start(settings: ServerSettings, hiding: [String]) throws -> any ServerInstance {
        let instance = nextInstances.isEmpty ? FakeInstance(pid: 999) : nextInstances.removeFirst()
        log.add("start \(instance.pid)")
        startedWith.append(settings)
        running = instance
        return instance
    }

    func beginStop(pid: Int32) { log.add("begin stop \(pid)") }

    func sendToConsole(_ line: String) -> Bool {
        log.add("console \(line)")
        return running != nil
    }

    func killNow() { log.add("kill now") }

    func stopResources(_ names: [String], timeout: Duration) -> ResourceStopOutcome {
        log.add("stop resources \(names.joined(separator: " "))")
        return .stopped(names)
    }

    func restartResources(_ names: [String], graph: ResourceGraph, timeout: Duration) -> ResourceRestartOutcome {
        log.add("restart \(names.joined(separator: " "))")
        graphs.append(graph)
        return resourceOutcome ?? .restarted(names)
    }
}

/// Stages that "run" at once, each succeeding unless named in `failing`; records the settings it got.
final class FakeStages: StageExecuting {
    let log: CallLog
    let failing: Set<String>
    let written: [String]
    let ran = Mutex<[StageSettings]>([])
    /// Until released, a batch waits here (to change the world while a stage runs).
    let gate: Latch<Void>?

    init(log: CallLog, failing: Set<String> = [], written: [String] = [], gate: Latch<Void>? = nil) {
        self.log = log
        self.failing = failing
        self.written = written
        self.gate = gate
    }

    func run(
        batch: [StageSettings], variables: [String: String], plan: Plan.Settings, finished: @escaping @Sendable (StageResult) -> Void
    ) async -> StageBatchResult {
        log.add("stages " + batch.map(\.name).joined(separator: " "))
        ran.withLock { $0 += batch }
        let results: [StageResult]
        if let gate, await gate.wait() == nil {
            results = batch.map { StageResult(name: $0.name, duration: .zero, outcome: .cancelled) }
        } else {
            results = batch.map { stage in
                StageResult(name: stage.name, duration: .milliseconds(5), outcome: failing.contains(stage.name) ? .failed(.exited(2)) : .succeeded)
            }
        }
        results.forEach(finished)
        return StageBatchResult(results: results, resourcesWritten: written)
    }

    /// Checks start and are recorded, nothing more: the executor does not wait for them.
    func startChecks(_ checks: [StageSettings], variables: [String: String], plan: Plan.Settings, cycle: Int) async {
        log.add("checks " + checks.map(\.name).joined(separator: " "))
        ran.withLock { $0 += checks }
    }

    func stopChecks() async { log.add("stop checks") }
}

struct FakeClient: ClientReconnecting {
    let log: CallLog
    var result: ReconnectResult = .reconnected(was: "IN_GAME", after: .milliseconds(7))
    /// How long the flow takes before it answers.
    var delay: Duration = .zero

    /// Where the reconnect running on its own tells its outcome, as the real one does.
    var emit: @Sendable (LoopEvent) -> Void = { _ in }
    /// The last reconnect started on its own, to wait for it.
    let background = BackgroundSlot()

    init(log: CallLog, result: ReconnectResult = .reconnected(was: "IN_GAME", after: .milliseconds(7)), delay: Duration = .zero,
         emit: @escaping @Sendable (LoopEvent) -> Void = { _ in }) {
        self.log = log
        self.result = result
        self.delay = delay
        self.emit = emit
    }

    func reconnectInBackground(_ settings: ReconnectSettings, cycle: Int, server: any ServerInstance)
        -> BackgroundReconnect
    {
        let handle = BackgroundReconnect()
        let emit = self.emit
        let task = Task {
            await handle.run(cycle: cycle, server: server, emit: emit) {
                let result = await self.reconnect(settings)
                // The fake has no progress to tell: an absent client is the only one that did not answer.
                if case .notConnected = result { handle.clientAnswered.fulfill(false) } else { handle.clientAnswered.fulfill(true) }
                return result
            }
        }
        background.value.withLock { $0 = (task, handle) }
        return handle
    }

    func cancelBackground() {
        background.value.withLock { $0?.task.cancel() }
    }

    /// Waits for the reconnect started on its own to end.
    func backgroundFinished() async {
        await background.value.withLock { $0?.handle }?.finished.wait()
    }

    func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult {
        log.add("reconnect")
        if delay > .zero, (try? await Task.sleep(for: delay)) == nil { return .cancelled }
        return result
    }
}

/// Every event the executor emitted.
final class EventRecorder: Sendable {
    private let events = Mutex<[LoopEvent]>([])
    var emit: @Sendable (LoopEvent) -> Void { { event in self.events.withLock { $0.append(event) } } }
    var all: [LoopEvent] { events.withLock { $0 } }

    /// The event names as in the NDJSON stream, in order.
    var names: [String] {
        all.compactMap { EventRecord.json($0, time: "t", directory: "/p") }.compactMap { json -> String? in
            guard case .object(let members) = json, case .string(let name)? = members.first?.1 else { return nil }
            return name
        }
    }

    var report: CycleReport? {
        for case .cycleFinished(_, _, let report) in all { return report }
        return nil
    }

    /// The report of the last cycle that finished.
    var lastReport: CycleReport? {
        for case .cycleFinished(_, _, let report) in all.reversed() { return report }
        return nil
    }
}

/// The fake client's reconnect running on its own, shared by its copies.
final class BackgroundSlot: Sendable {
    let value = Mutex<(task: Task<Void, Never>, handle: BackgroundReconnect)?>(nil)
}

/// Services that start and stop at once.
actor FakeServices: ServiceControl {
    let log: CallLog
    /// Until released, stopping the services waits here (to act while altv-dev is stopping).
    let stopGate: Latch<Void>?
    init(log: CallLog, stopGate: Latch<Void>? = nil) {
        self.log = log
        self.stopGate = stopGate
    }
    func apply(_ settings: [ServiceSettings], server: ServerSettings, hiding: [String]) { log.add("services \(settings.map(\.name))") }
    func stopRestarting() { log.add("services stay down") }
    func stopAll() async {
        _ = await stopGate?.wait()
        log.add("services stopped")
    }
    func waitUntilReady() {}
}

/// A watcher that records being re-armed and stopped.
struct FakeWatcher: WatcherControl {
    let log: CallLog
    func rearm(for config: Config) { log.add("rearm \(config.watch.paths.count)") }
    func stop() { log.add("watcher stopped") }
}

/// Every event told, with waits for one to come.
final class WaitingRecorder: Sendable {
    private let state = Mutex<(events: [LoopEvent], waiters: [(@Sendable (LoopEvent) -> Bool, Latch<Void>)])>(([], []))

    var tell: @Sendable (LoopEvent) -> Void {
        { event in
            let ready = self.state.withLock { state -> [Latch<Void>] in
                state.events.append(event)
                let (met, rest) = (state.waiters.filter { $0.0(event) }, state.waiters.filter { !$0.0(event) })
                state.waiters = rest
                return met.map(\.1)
            }
            ready.forEach { $0.fulfill(()) }
        }
    }

    var all: [LoopEvent] { state.withLock { $0.events } }

    /// Waits (up to `timeout`: generous, as a full parallel run on two cores may stall the pool for seconds) for an event
    /// `matching`, told before or after this call.
    func wait(timeout: Duration = .seconds(120), for matching: @escaping @Sendable (LoopEvent) -> Bool) async -> Bool {
        let latch = Latch<Void>()
        let seen = state.withLock { state -> Bool in
            if state.events.contains(where: matching) { return true }
            state.waiters.append((matching, latch))
            return false
        }
        if seen { return true }
        return await latch.wait(timeout: timeout) != nil
    }
}
