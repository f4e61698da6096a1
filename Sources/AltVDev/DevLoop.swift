import Dispatch
import FoundationEssentials
import Glibc

/// The wiring of `watch`: the real ports (processes, HTTP, inotify), the signals and the terminal
/// feed a `LoopShell`, which holds the loop's structure; the scheduler in it decides.
public struct DevLoop: Sendable {
    public struct Options: Sendable {
        /// This program's own path, to start the guardian.
        public var executable: String
        public var environment: [String: String]
        /// The live status line, when stdout is a terminal that wants one.
        public var statusLine: StatusLine?
        /// `--clear`: the screen is cleared at the start of each cycle.
        public var clearScreen = false
        /// altv-dev's version, for `watch.started`.
        public var version = "unknown"
        public init(
            executable: String, environment: [String: String] = ProcessInfo.processInfo.environment, statusLine: StatusLine? = nil,
            clearScreen: Bool = false, version: String = "unknown"
        ) {
            self.version = version
            self.executable = executable
            self.environment = environment
            self.statusLine = statusLine
            self.clearScreen = clearScreen
        }
    }

    let config: Config
    let console: Console
    let options: Options
    let narrator: Narrator
    let eventLog: EventLog?
    /// What `altv-dev send status` and `wait` are told, kept from the events.
    let control = ControlState()
    let notifier: Notifier

    public init(config: Config, console: Console, options: Options, eventLog: EventLog? = nil) {
        self.config = config
        self.console = console
        self.options = options
        self.eventLog = eventLog
        narrator = Narrator(console: console, directory: config.directory)
        notifier = Notifier(console: console, config: config, environment: options.environment)
    }

    /// Every event goes to the narrator, the event log and the status line.
    var tell: @Sendable (LoopEvent) -> Void {
        { [narrator, eventLog, console, control, notifier, status = options.statusLine, clear = options.clearScreen] event in
            if clear, case .cycleStarted = event { console.clearScreen() }
            narrator.tell(event)
            eventLog?.record(event)
            status?.apply(event)
            control.apply(event)
            notifier.tell(event)
        }
    }

    /// Runs until SIGINT, SIGTERM, SIGHUP or `:q`; returns the process exit code.
    public func run() async -> Int32 {
        console.setSecrets(config.secrets)
        if let warning = Redactor.weakSecretWarning(config.reconnect.password) { tell(.notice(.watch(.weakPassword(warning)))) }
        if config.server.platform == .altv, case .success(let toml) = ServerToml.read(at: config.server.serverToml), let mismatch = ConfigAdvisor.passwordMismatch(config, serverToml: toml) {
            tell(.notice(.watch(.passwordMismatch(mismatch))))
        }
        let instanceLock: InstanceLock
        do {
            instanceLock = try InstanceLock(configFile: config.file)
        } catch {
            tell(.notice(.loop(.notStarted(error: "\(error)"))))
            return 1
        }
        let (events, sink) = AsyncStream.makeStream(of: LoopShell.Event.self)
        let controlSocket = openControlSocket(sink)
        defer { controlSocket?.close() }
        tell(.watchStarted(version: options.version, config: config.file, platform: config.server.platform.rawValue))
        let signals = installSignalHandlers(sink)
        let guardian = startGuardian()
        let stageOutputs = StageOutputs()
        let barriers = WatcherBarriers()
        guard let watcher = await startWatching(sink: sink, outputs: stageOutputs, barriers: barriers) else {
            await guardian?.dismiss()
            return 1
        }
        if let folder = watcher.barrierFolder { guardian?.removeOnExit(folder: folder) }
        let shell = LoopShell(
            config: config, ports: ports(sink, guardian, watcher, stageOutputs, barriers), events: events, sink: sink, tell: tell)
        narrator.announce(config)
        options.statusLine?.redraw()
        let typing = startConsoleInput(sink, guardian)
        let code = await shell.run()
        signals.forEach { $0.cancel() }
        typing.resumed?.cancel()
        await guardian?.dismiss()
        tell(.watchStopped(exitCode: code))
        eventLog?.flush(within: Timings.eventLogFlush)
        options.statusLine?.finish()
        typing.mode?.restore()
        withExtendedLifetime(instanceLock) {}
        return code
    }

    /// The control socket for `send` and `wait`; without it (a folder not ours, say) the loop runs, and says why.
    private func openControlSocket(_ sink: AsyncStream<LoopShell.Event>.Continuation) -> ControlSocket? {
        let path = ControlSocketPath.path(for: config.file, environment: options.environment)
        do {
            return try ControlSocket(path: path, handler: ControlCommands(control: control, resourcesDir: config.server.resourcesDir, platform: config.server.platform.platform, sink: sink).answer)
        } catch {
            tell(.notice(.loop(.noControlSocket(error: error.message))))
            return nil
        }
    }

    private func startGuardian() -> Guardian? {
        do {
            return try Guardian(executable: options.executable, hiding: config.reconnect.secretVariables)
        } catch {
            tell(.notice(.loop(.noGuardian(error: "\(error)"))))
            return nil
        }
    }

    private func ports(
        _ sink: AsyncStream<LoopShell.Event>.Continuation, _ guardian: Guardian?, _ watcher: InotifyWatcher, _ stageOutputs: StageOutputs,
        _ barriers: WatcherBarriers
    ) -> LoopShell.Ports {
        let (environment, tell, console) = (options.environment, self.tell, self.console)
        let supervisor = ServerSupervisor(console: console, guardian: guardian, environment: environment, directory: config.directory, emit: tell) { report in
            sink.yield(.input(.server(report)))
        }
        let stages = StageBatchRunner(
            console: console, emit: tell, guardian: guardian, environment: environment, outputs: stageOutputs,
            watcherCaughtUp: {
                guard let id = watcher.barrier() else { return }
                await barriers.wait(for: id, timeout: Timings.watcherCatchUp)
            })
        return LoopShell.Ports(
            server: supervisor, stages: stages, services: ServiceManager(console: console, guardian: guardian, environment: environment, emit: tell),
            client: ClientReconnector(
                runCommand: { [directory = config.directory] command, settings in
                    await ReconnectCommandReport.run(command, settings: settings, cwd: directory, environment: environment, console: console, guardian: guardian, emit: tell)
                }, emit: tell),
            watcher: RearmableWatcher(watcher: watcher, eventsFile: eventLog?.path),
            readConfig: { ConfigReload.read(current: $0, environment: environment) },
            secretsChanged: { [notifier] in
                console.addSecrets($0.secrets)
                notifier.apply($0)
            },
            killEverything: { _ = guardian?.killAllNow() })
    }

    /// Typed lines, read by altv-dev's own line editor under the status line when there is one
    /// (the terminal's echo would glue them to it); `mode` is given back at exit.
    private func startConsoleInput(
        _ sink: AsyncStream<LoopShell.Event>.Continuation, _ guardian: Guardian?
    ) -> (mode: TerminalMode?, resumed: (any DispatchSourceSignal)?) {
        let (tell, console, status) = (self.tell, console, options.statusLine)
        let mode = status == nil ? nil : TerminalMode(descriptor: STDIN_FILENO)
        let editing = mode?.enterEditing() == true
        if editing, let mode { guardian?.restoreOnExit(mode) }
        var onEdit: (@Sendable (String) -> Void)?
        if editing, let status { onEdit = { text in status.showInput(text) } }
        let onLine: @Sendable (String) -> Void = { line in
            if editing { console.keepTyped(line) }
            if let command = ConsoleCommand(line: line) { sink.yield(.input(.command(command))) }
        }
        let started = ConsoleInput.start(
            onLine: onLine, onEndOfInput: { tell(.notice(.loop(.endOfInputTyped))) }, onClose: { tell(.notice(.loop(.standardInputClosed))) },
            onEdit: onEdit)
        if started { tell(.notice(.loop(.commandsHint))) }
        guard editing, let mode else { return (mode, nil) }
        // After Ctrl+Z and fg the shell may have put the terminal's own editing back.
        Glibc.signal(SIGCONT, SIG_IGN)
        let resumed = DispatchSource.makeSignalSource(signal: SIGCONT, queue: .global())
        resumed.setEventHandler {
            mode.reenter()
            status?.redraw()
        }
        resumed.resume()
        return (mode, resumed)
    }
}
