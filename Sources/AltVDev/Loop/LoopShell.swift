/// The loop's core: the scheduler decides, the shell carries out its effects against the ports.
/// Every timer, cycle and `:rc` is a child task of `run()`, in the way swift-service-lifecycle's
/// `ServiceGroup` holds its services: stopping follows the structure, nothing outlives `run()`.
public actor LoopShell {
    public struct Ports: Sendable {
        public var server: any ServerConsole
        public var stages: any StageExecuting
        public var services: any ServiceControl
        public var client: any ClientReconnecting
        public var watcher: (any WatcherControl)?
        /// Reads the config file again and compares it with the one given.
        public var readConfig: @Sendable (Config) -> ConfigReload
        /// A new config is applied: its secrets are masked from then on, its `[notify]` followed.
        public var secretsChanged: @Sendable (Config) -> Void
        /// SIGKILL to every process group altv-dev started (a second Ctrl+C).
        public var killEverything: @Sendable () -> Void

        public init(
            server: any ServerConsole, stages: any StageExecuting, services: any ServiceControl, client: any ClientReconnecting,
            watcher: (any WatcherControl)?, readConfig: @escaping @Sendable (Config) -> ConfigReload,
            secretsChanged: @escaping @Sendable (Config) -> Void = { _ in }, killEverything: @escaping @Sendable () -> Void = {}
        ) {
            self.server = server
            self.stages = stages
            self.services = services
            self.client = client
            self.watcher = watcher
            self.readConfig = readConfig
            self.secretsChanged = secretsChanged
            self.killEverything = killEverything
        }
    }

    public enum Event: Sendable {
        case input(CycleScheduler.Input)
        case watcherRearmed(WatchSummary)
    }

    /// A child task that can be asked to end before the others (a cycle, a `:rc`).
    final class Handle: Sendable {
        let cancel = Latch<Void>()
        let done = Latch<Void>()
    }

    public private(set) var config: Config
    private var scheduler: CycleScheduler
    private let ports: Ports
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private let tell: @Sendable (LoopEvent) -> Void
    private var cycle: Handle?
    private var typedReconnect: Handle?

    /// `tell` hears every event (the narrator, the event log, the status line); `events` is what
    /// `sink` is fed by the watcher, the signals, the terminal and the supervisor.
    public init(
        config: Config, ports: Ports, events: AsyncStream<Event>, sink: AsyncStream<Event>.Continuation,
        tell: @escaping @Sendable (LoopEvent) -> Void
    ) {
        self.config = config
        self.ports = ports
        self.events = events
        self.sink = sink
        self.tell = tell
        scheduler = CycleScheduler(settings: .init(config))
    }

    nonisolated var emit: @Sendable (LoopEvent) -> Void {
        { [tell, sink] event in
            // The scheduler hears that the cycle ended before anyone reads its verdict: a save made on
            // seeing the ✓ is a new burst, not a change during the cycle.
            if case .cycleFinished(let number, let outcome, _) = event { sink.yield(.input(.cycleFinished(number, outcome))) }
            tell(event)
        }
    }

    /// Runs until the scheduler's shutdown has stopped everything; returns the exit code.
    public func run() async -> Int32 {
        let executor = PlanExecutor(
            server: ports.server, stages: ports.stages, services: ports.services, client: ports.client, emit: emit,
            commit: { [weak self] number in await self?.committed(number) })
        await ports.services.apply(config.services, server: config.server, hiding: config.reconnect.secretVariables)
        // Discarding: a finished timer or cycle leaves nothing behind in a loop that runs for days.
        await withDiscardingTaskGroup { group in
            perform(scheduler.handle(.started, at: .now), executor, &group)
            for await event in events {
                switch event {
                case .input(let input): perform(scheduler.handle(input, at: .now), executor, &group)
                case .watcherRearmed(let summary): emit(.notice(.watch(.watchingAgain(summary, pollInterval: config.watch.pollInterval))))
                }
            }
            // The timers still asleep.
            group.cancelAll()
        }
        return 0
    }

    /// The executor waits for this before it starts the server: a change seen after it waits for the cycle.
    private func committed(_ number: Int) {
        _ = scheduler.handle(.cycleCommitted(number), at: .now)
    }

    private func perform(_ effects: [CycleScheduler.Effect], _ executor: PlanExecutor, _ group: inout DiscardingTaskGroup) {
        let (sink, emit, ports) = (sink, emit, ports)
        for effect in effects {
            switch effect {
            case .startCycle(let number, let trigger, let server): startCycle(number, trigger, server, executor, &group)
            case .cancelCycle:
                cycle?.cancel.fulfill(())
                typedReconnect?.cancel.fulfill(())
            case .wakeAt(let deadline): Self.wake(sink, .debounceTimerFired, at: deadline, in: &group)
            case .setCrashTimer(let delay): Self.wake(sink, .crashTimerFired, at: .now + delay, in: &group)
            case .wakeForConfigAt(let deadline): Self.wake(sink, .configTimerFired, at: deadline, in: &group)
            case .stopServerEarly(let pid):
                emit(.notice(.loop(.stoppingEarly)))
                // The next cycle's stop joins it; a late one stops nothing, as it names the pid.
                group.addTask { await ports.server.beginStop(pid: pid) }
            case .reloadConfig: group.addTask { await self.reloadConfig() }
            case .sendToConsole(let line):
                group.addTask { if await !ports.server.sendToConsole(line) { emit(.notice(.loop(.notSent(line)))) } }
            case .reconnectClient: reconnectNow(&group)
            case .shutDown: group.addTask { await self.shutdown() }
            case .killNow:
                group.addTask { await ports.server.killNow() }
                ports.killEverything()
            case .emit(let event): emit(event)
            }
        }
    }

    private static func wake(
        _ sink: AsyncStream<Event>.Continuation, _ input: CycleScheduler.Input, at deadline: ContinuousClock.Instant, in group: inout DiscardingTaskGroup
    ) {
        // Never cancelled one by one: the scheduler ignores a timer that fires when nothing is due.
        group.addTask {
            guard (try? await Task.sleep(until: deadline, clock: .continuous)) != nil else { return }
            sink.yield(.input(input))
        }
    }

    /// The scheduler starts a cycle only when none is in flight, with the server's state as its end left it.
    private func startCycle(
        _ number: Int, _ trigger: CycleTrigger, _ server: ServerState, _ executor: PlanExecutor, _ group: inout DiscardingTaskGroup
    ) {
        typedReconnect?.cancel.fulfill(())
        let handle = Handle()
        cycle = handle
        let plan = Planner.plan(for: trigger, config: config, server: server)
        let (sink, emit, description) = (sink, emit, CycleReport.describe(trigger, directory: config.directory))
        group.addTask {
            await Self.run(handle) {
                // Superseded before it began: it never started, so nothing is said of it.
                guard !Task.isCancelled else {
                    emit(.notice(.loop(.cycleSkipped(number))))
                    sink.yield(.input(.cycleFinished(number, .cancelled)))
                    return
                }
                emit(.cycleStarted(cycle: number, trigger: trigger, plan: PlanSummary(plan)))
                // Its cycle.finished event tells the scheduler (see `emit`).
                _ = await executor.run(plan, cycle: number, trigger: description)
            }
        }
    }

    /// Runs `body` until it ends or the handle asks it to stop, whichever comes first.
    private static func run(_ handle: Handle, _ body: @escaping @Sendable () async -> Void) async {
        await withTaskGroup(of: Void.self) { race in
            race.addTask(operation: body)
            race.addTask { _ = await handle.cancel.wait() }
            await race.next()
            race.cancelAll()
        }
        handle.done.fulfill(())
    }

    private func reconnectNow(_ group: inout DiscardingTaskGroup) {
        typedReconnect?.cancel.fulfill(())
        let handle = Handle()
        typedReconnect = handle
        let (client, settings, emit) = (ports.client, config.reconnect, emit)
        group.addTask {
            await Self.run(handle) {
                await client.cancelBackground()
                if let event = await client.reconnect(settings).event(cycle: nil) { emit(event) }
            }
        }
    }

    /// Applies the saved config if it is valid; else keeps the old one and says why.
    private func reloadConfig() async {
        switch ports.readConfig(config) {
        case .keep(let message): emit(.notice(.watch(.configKept(message))))
        case .rejected(let errors): emit(.configRejected(file: config.file, errors: errors))
        case .unchanged: emit(.notice(.watch(.configUnchanged)))
        case .changed(let new, let changes):
            ports.secretsChanged(new)
            emit(.configReloaded(changes: changes))
            if new.reconnect.password != config.reconnect.password, let warning = Redactor.weakSecretWarning(new.reconnect.password) {
                emit(.notice(.watch(.weakPassword(warning))))
            }
            let consequences = ConfigConsequences(old: config, new: new)
            config = new
            if consequences.rearmWatcher { ports.watcher?.rearm(for: new) }
            if consequences.reapplyServices { await ports.services.apply(new.services, server: new.server, hiding: new.reconnect.secretVariables) }
            sink.yield(.input(.configApplied(.init(new), restartServer: consequences.restartServer)))
        }
    }

    /// Stops the cycle, the server, the services; then ends `run()`.
    private func shutdown() async {
        ports.watcher?.stop()
        await ports.services.stopRestarting()
        for handle in [cycle, typedReconnect] { handle?.cancel.fulfill(()) }
        for handle in [cycle, typedReconnect] { _ = await handle?.done.wait() }
        await ports.client.cancelBackground()
        await ports.stages.stopChecks()
        if let stop = await ports.server.stop() { emit(.notice(.process(.serverStoppedAtExit(stop.duration)))) }
        await ports.services.stopAll()
        sink.finish()
    }
}
