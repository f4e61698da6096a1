import Dispatch
import FoundationEssentials
import Glibc

/// The wiring: the watcher, signals, the terminal and the supervisor report here; the scheduler
/// decides; its effects are carried out here; each cycle's plan runs in the executor.
public actor DevLoop {
    public struct Options: Sendable {
        /// This program's own path, to start the guardian.
        public var executable: String
        public var environment: [String: String]
        /// The live status line, when stdout is a terminal that wants one.
        public var statusLine: StatusLine?
        /// `--clear`: the screen is cleared at the start of each cycle.
        public var clearScreen = false
        public init(
            executable: String, environment: [String: String] = ProcessInfo.processInfo.environment, statusLine: StatusLine? = nil,
            clearScreen: Bool = false
        ) {
            self.executable = executable
            self.environment = environment
            self.statusLine = statusLine
            self.clearScreen = clearScreen
        }
    }

    enum Event: Sendable {
        case input(CycleScheduler.Input)
        case configFile(FileEvent.Kind)
        case watcherRearmed(WatchSummary)
        case typed(String)
    }

    var config: Config
    let console: Console
    let options: Options
    /// The config's folder, fixed for the loop's life.
    let directory: String
    let narrator: Narrator
    let eventLog: EventLog?
    private let events: AsyncStream<Event>
    let sink: AsyncStream<Event>.Continuation
    var scheduler: CycleScheduler
    let stageOutputs = StageOutputs()
    let barriers = WatcherBarriers()
    private var supervisor: ServerSupervisor?
    var services: ServiceManager?
    private var executor: PlanExecutor?
    private var reconnector: ClientReconnector?
    var guardian: Guardian?
    var watcher: InotifyWatcher?
    private var instanceLock: InstanceLock?
    var signalSources: [any DispatchSourceSignal] = []
    private var cycle: Task<Void, Never>?
    /// A `:rc` running on its own; a newer cycle or `:rc` cancels it.
    private var typedReconnect: Task<Void, Never>?
    private var debounceTimer: Task<Void, Never>?
    private var crashTimer: Task<Void, Never>?
    var configReload: Task<Void, Never>?

    public init(config: Config, console: Console, options: Options, eventLog: EventLog? = nil) {
        self.config = config
        self.console = console
        self.options = options
        self.eventLog = eventLog
        directory = config.directory
        narrator = Narrator(console: console, directory: config.directory)
        scheduler = CycleScheduler(settings: .init(config))
        (events, sink) = AsyncStream.makeStream(of: Event.self)
    }

    nonisolated var emit: @Sendable (LoopEvent) -> Void {
        { [narrator, eventLog, console, sink, status = options.statusLine, clear = options.clearScreen] event in
            if clear, case .cycleStarted = event { console.clearScreen() }
            // The scheduler hears that the cycle ended before anyone reads its verdict: a save made on
            // seeing the ✓ is a new burst, not a change during the cycle.
            if case .cycleFinished(let number, let outcome, _) = event { sink.yield(.input(.cycleFinished(number, outcome))) }
            narrator.tell(event)
            eventLog?.record(event)
            status?.apply(event)
        }
    }

    /// Runs until SIGINT, SIGTERM, SIGHUP or `:q`; returns the process exit code.
    public func run() async -> Int32 {
        console.setSecrets([config.reconnect.password?.value].compactMap { $0 })
        if let warning = Redactor.weakSecretWarning(config.reconnect.password) { emit(.notice(.watch(.weakPassword(warning)))) }
        if case .success(let toml) = ServerToml.read(in: config.server.cwd), let mismatch = ConfigAdvisor.passwordMismatch(config, serverToml: toml) {
            emit(.notice(.watch(.passwordMismatch(mismatch))))
        }
        do {
            instanceLock = try InstanceLock(configFile: config.file)
        } catch {
            emit(.notice(.loop(.notStarted(error: "\(error)"))))
            return 1
        }
        installSignalHandlers()
        startProcessControl()
        guard await startWatching() else {
            await guardian?.dismiss()
            return 1
        }
        narrator.announce(config)
        options.statusLine?.redraw()
        await services?.apply(config.services, server: config.server, hiding: [config.reconnect.passwordEnv])
        startConsoleInput()
        perform(scheduler.handle(.started, at: .now))
        for await event in events {
            switch event {
            case .input(let input): perform(scheduler.handle(input, at: .now))
            case .configFile(let kind): configFileChanged(kind)
            case .watcherRearmed(let summary):
                emit(.notice(.watch(.watchingAgain(folders: summary.folders))))
                narrator.announcePolling(summary, config: config)
            case .typed(let line): await typed(line)
            }
        }
        return 0
    }

    private func startProcessControl() {
        do {
            guardian = try Guardian(executable: options.executable)
        } catch {
            emit(.notice(.loop(.noGuardian(error: "\(error)"))))
        }
        let sink = self.sink
        let supervisor = ServerSupervisor(console: console, guardian: guardian, environment: options.environment, emit: emit) { report in
            sink.yield(.input(.server(report)))
        }
        let services = ServiceManager(console: console, guardian: guardian, environment: options.environment, emit: emit)
        let reconnector = ClientReconnector(emit: emit)
        let barriers = self.barriers
        let stages = StageBatchRunner(
            console: console, emit: emit, guardian: guardian, environment: options.environment, outputs: stageOutputs,
            watcherCaughtUp: { [weak self] in
                guard let id = await self?.watcher?.barrier() else { return }
                await barriers.wait(for: id, timeout: Timings.watcherCatchUp)
            })
        executor = PlanExecutor(
            server: supervisor, stages: stages, services: services, client: reconnector, emit: emit,
            commit: { [weak self] number in await self?.cycleCommitted(number) })
        (self.supervisor, self.services, self.reconnector) = (supervisor, services, reconnector)
    }

    private func startConsoleInput() {
        let (sink, emit) = (self.sink, self.emit)
        if ConsoleInput.start(onLine: { sink.yield(.typed($0)) }, onClose: { emit(.notice(.loop(.standardInputClosed))) }) {
            emit(.notice(.loop(.commandsHint)))
        }
    }

    /// Carries out what the scheduler decided.
    func perform(_ effects: [CycleScheduler.Effect]) {
        let sink = self.sink
        for effect in effects {
            switch effect {
            case .startCycle(let number, let trigger, let server): startCycle(number, trigger, server: server)
            case .cancelCycle:
                cycle?.cancel()
                typedReconnect?.cancel()
            case .wakeAt(let deadline):
                debounceTimer = Task {
                    try? await Task.sleep(until: deadline, clock: .continuous)
                    sink.yield(.input(.debounceTimerFired))
                }
            case .stopServerEarly(let pid):
                emit(.notice(.loop(.stoppingEarly)))
                // Not awaited: the next cycle's stop joins it, and a late one stops nothing (it names the pid).
                Task { [supervisor] in await supervisor?.beginStop(pid: pid) }
            case .setCrashTimer(let delay):
                crashTimer?.cancel()
                crashTimer = Task {
                    guard (try? await Task.sleep(for: delay)) != nil else { return }
                    sink.yield(.input(.crashTimerFired))
                }
            case .cancelCrashTimer: crashTimer?.cancel()
            case .reconnectClient: reconnectNow()
            case .shutDown: Task { await self.shutdown() }
            case .killNow:
                Task { await supervisor?.killNow() }
                guardian?.killAllNow()
            case .emit(let event): emit(event)
            }
        }
    }

    /// The scheduler starts a cycle only when none is in flight, with the server's state as its end left it.
    private func startCycle(_ number: Int, _ trigger: CycleTrigger, server: ServerState) {
        typedReconnect?.cancel()
        guard let executor else { return }
        let sink = self.sink
        let emit = self.emit
        let config = self.config
        cycle = Task {
            // Superseded before it began: it never started, so nothing is said of it.
            guard !Task.isCancelled else {
                sink.yield(.input(.cycleFinished(number, .cancelled)))
                return
            }
            let plan = Planner.plan(for: trigger, config: config, server: server)
            emit(.cycleStarted(cycle: number, trigger: trigger, plan: PlanSummary(plan)))
            // Its cycle.finished event tells the scheduler (see `emit`).
            _ = await executor.run(plan, cycle: number, trigger: CycleReport.describe(trigger, directory: config.directory))
        }
    }

    /// The executor waits for this before it starts the server: a change seen after it waits for the cycle.
    private func cycleCommitted(_ number: Int) {
        perform(scheduler.handle(.cycleCommitted(number), at: .now))
    }

    private func reconnectNow() {
        typedReconnect?.cancel()
        guard let reconnector else { return }
        let settings = config.reconnect
        let emit = self.emit
        typedReconnect = Task {
            await reconnector.cancelBackground()
            if let event = await reconnector.reconnect(settings).event(cycle: nil) { emit(event) }
        }
    }

    /// A line typed at altv-dev's terminal: `:r`, `:rc` and `:q` go to the scheduler.
    private func typed(_ line: String) async {
        guard let command = ConsoleCommand(line: line), scheduler.state != .stopping else { return }
        switch command {
        case .restart: perform(scheduler.handle(.command(.restart), at: .now))
        case .reconnect: perform(scheduler.handle(.command(.reconnect), at: .now))
        case .quit: perform(scheduler.handle(.command(.quit), at: .now))
        case .help: emit(.notice(.loop(.help)))
        case .unknown(let text): emit(.notice(.loop(.unknownCommand(text))))
        case .server(let text):
            if await supervisor?.sendToConsole(text) != true { emit(.notice(.loop(.notSent(text)))) }
        }
    }

    private func shutdown() async {
        watcher?.stop()
        for task in [debounceTimer, crashTimer, configReload, typedReconnect, cycle] { task?.cancel() }
        await cycle?.value
        await reconnector?.cancelBackground()
        if let stop = await supervisor?.stop() { emit(.notice(.process(.serverStoppedAtExit(stop.duration)))) }
        await services?.stopAll()
        await guardian?.dismiss()
        eventLog?.flush()
        options.statusLine?.finish()
        sink.finish()
    }
}
