import Foundation
import Glibc

/// The one place that owns the loop's state: file events in, cycles out.
///
/// Watcher, signals, the terminal and the supervisor report here as events; each change set
/// becomes a plan that a cycle task carries out. A change set arriving mid-cycle either cancels
/// the cycle (its stages are stopped, a server stop still finishes) and starts over with both
/// change sets, or waits for the cycle to end (`[watch] on_busy`).
public actor DevLoop {
    public struct Options: Sendable {
        /// This program's own path, to start the guardian.
        public var executable: String
        public var environment: [String: String]
        public init(executable: String, environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.executable = executable
            self.environment = environment
        }
    }

    enum Event: Sendable {
        case files([FileEvent])
        case configFile(FileEvent.Kind)
        case watcherRearmed(WatchSummary)
        case watcherWarning(String)
        case signal(Int32)
        case server(SupervisorEvent)
        case barrier(Int)
        case typed(String)
    }

    /// How a cycle ended, for what happens to its change set.
    enum CycleOutcome: Equatable {
        case completed
        /// A stage failed: the change set is kept for the next cycle to try again.
        case stageFailed
        case cancelled
    }

    private(set) var config: Config
    let console: Console
    let options: Options
    private let events: AsyncStream<Event>
    private let sink: AsyncStream<Event>.Continuation
    private var debouncer: Debouncer
    private var debounceTimer: Task<Void, Never>?
    private var cycle: Task<Void, Never>?
    private var cycleNumber = 0
    private var supervisor: ServerSupervisor?
    private var guardian: Guardian?
    private var watcher: InotifyWatcher?
    private var signalSources: [any DispatchSourceSignal] = []
    private var shuttingDown = false
    private var configReload: Task<Void, Never>?
    private var crashBackoff = CrashBackoff()
    private var crashRestart: Task<Void, Never>?
    private var instanceLock: InstanceLock?
    private var services: ServiceManager?
    /// The change set of the cycle in flight, or of one whose stages failed: merged into the next.
    private var carriedChanges: ChangeSet?
    /// With `on_busy = "queue"`: what arrived while a cycle ran.
    private var queuedChanges: ChangeSet?
    private var cycleBusy = false
    /// Outputs of stages that are running: their writes start no cycle.
    private var suppressedOutputs: [Int: GlobSet] = [:]
    private var nextSuppression = 0
    private var barriers: [Int: Latch<Void>] = [:]
    /// Stages running now (until the watcher has delivered what they wrote): what changes meanwhile is theirs.
    private var runningStages: [String] = []
    private var feedbackGuard = StageFeedbackGuard()
    /// Resources the stages of the current cycle were seen writing.
    private var resourcesWrittenByStages: [String] = []
    /// The hint about an absent game client was given and the client has not answered since.
    private var clientHintGiven = false
    /// Kept across cycles so its connection setup is paid once, not on every reconnect.
    private var cachedEndpoint: HTTPDebugEndpoint?

    private var endpoint: HTTPDebugEndpoint {
        if let cachedEndpoint { return cachedEndpoint }
        let endpoint = HTTPDebugEndpoint(baseURL: config.reconnect.url, requestTimeout: min(.seconds(5), config.reconnect.timeout))
        cachedEndpoint = endpoint
        return endpoint
    }

    public init(config: Config, console: Console, options: Options) {
        self.config = config
        self.console = console
        self.options = options
        self.debouncer = Debouncer(quietPeriod: config.watch.debounce)
        (events, sink) = AsyncStream.makeStream(of: Event.self)
    }

    /// Runs until SIGINT, SIGTERM or SIGHUP; returns the process exit code.
    public func run() async -> Int32 {
        console.setSecrets([config.reconnect.password?.value].compactMap { $0 })
        if let warning = Redactor.weakSecretWarning(config.reconnect.password) { console.say(warning, .warning) }
        do {
            instanceLock = try InstanceLock(configFile: config.file)
        } catch {
            console.say("\(error)", .error)
            return 1
        }
        installSignalHandlers()
        let closedSink = self.sink
        console.onOutputClosed { closedSink.yield(.signal(SIGPIPE)) }
        do {
            guardian = try Guardian(executable: options.executable)
        } catch {
            console.say("could not start the guardian process (\(error)); if altv-dev is killed with SIGKILL the server stays", .warning)
        }
        let sink = self.sink
        do {
            supervisor = try ServerSupervisor(
                settings: config.server, console: console, guardian: guardian, environment: options.environment,
                events: { sink.yield(.server($0)) })
        } catch {
            console.say("\(config.file): [server] ready: \(error)", .error)
            return 2
        }
        guard startWatching() else {
            await guardian?.dismiss()
            return 1
        }
        announce()
        let services = ServiceManager(console: console, guardian: guardian, environment: options.environment)
        self.services = services
        await services.apply(config.services, server: config.server, hiding: [config.reconnect.passwordEnv])
        let console = self.console
        let inputClosed: @Sendable () -> Void = {
            console.say("standard input closed (Ctrl+D): typed lines and : commands are no longer read; Ctrl+C stops altv-dev", .warning)
        }
        if ConsoleInput.start(onLine: { sink.yield(.typed($0)) }, onClose: inputClosed) {
            console.say("type :help for altv-dev's commands; other lines go to the server's console", .debug)
        }
        startCycle(.initialStart)

        for await event in events {
            switch event {
            case .files(let fileEvents):
                record(fileEvents)
            case .configFile(let kind):
                configFileChanged(kind)
            case .watcherRearmed(let summary):
                console.say("watching \(summary.folders) folder(s) with the new [watch] settings")
                announcePolling(summary)
            case .watcherWarning(let message):
                console.say(message, .warning)
            case .barrier(let id):
                barriers.removeValue(forKey: id)?.fulfill(())
            case .typed(let line):
                await typed(line)
            case .server(.unexpectedExit(_, let status, let uptime, let lastLines)):
                reportExit(status: status, uptime: uptime, lastLines: lastLines)
            case .signal(let signal):
                if shuttingDown {
                    console.say("\(SignalName.of(signal)) again: killing the server, services and stages now (SIGKILL to their process groups)", .warning)
                    if let group = await supervisor?.current?.process.processGroup { ProcessGroup.signal(group, SIGKILL) }
                    guardian?.killAllNow()
                    continue
                }
                beginShutdown("\(SignalName.of(signal)) received: stopping the server")
            }
        }
        return 0
    }

    private func beginShutdown(_ message: String) {
        shuttingDown = true
        console.say(message)
        Task { await self.shutdown() }
    }

    /// A line typed at altv-dev's terminal.
    private func typed(_ line: String) async {
        guard let command = ConsoleCommand(line: line), !shuttingDown else { return }
        switch command {
        case .restart:
            console.say(":r → restarting the server")
            startCycle(.manualRestart)
        case .reconnect:
            console.say(":rc → reconnecting the game client")
            Task {
                if case .reconnected(let elapsed) = await self.reconnectClient() { self.console.say("✓ reconnect \(elapsed.humanReadable)", .success) }
            }
        case .quit:
            beginShutdown(":q → stopping the server")
        case .help:
            console.say(ConsoleCommand.helpText)
        case .unknown(let text):
            console.say("unknown command \(text); :help lists altv-dev's commands", .warning)
        case .server(let text):
            if await supervisor?.sendToConsole(text) != true {
                console.say("no server is running: `\(text)` was not sent", .warning)
            }
        }
    }

    private func announce() {
        let watched = config.watch.paths.map { PathFilter.relative($0, to: config.directory).map { $0.isEmpty ? "." : $0 } ?? $0 }
            .joined(separator: ", ")
        console.say("watching \(watched) · debounce \(config.watch.debounce.humanReadable) · config \(config.file)")
        console.say("server: \(config.server.command) (in \(config.server.cwd)) · ready when /\(config.server.ready)/")
        if !config.stages.isEmpty { console.say("stages: " + config.stages.map(\.name).joined(separator: ", ")) }
        if !config.services.isEmpty { console.say("services: " + config.services.map(\.name).joined(separator: ", ")) }
        if config.server.onChange == .restartResources {
            let folder = PathFilter.relative(config.server.resourcesDir, to: config.directory) ?? config.server.resourcesDir
            console.say("on_change = \"restart-resources\": changes inside \(folder) restart just their resources")
        }
        if config.reconnect.enabled {
            let password = config.reconnect.passwordSource.map { "password from \($0)" } ?? "no password"
            console.say("reconnect: \(config.reconnect.url) (\(password))")
        }
        for note in ConfigAdvisor.notes(for: config) { console.say(note) }
    }

    /// Once per polled folder: where inotify is blind, and how often it is swept instead.
    private func announcePolling(_ summary: WatchSummary) {
        for folder in summary.polled {
            let shown = PathFilter.relative(folder.path, to: config.directory).map { $0.isEmpty ? "." : $0 } ?? folder.path
            let every = "polled every \(config.watch.pollInterval.humanReadable)"
            console.say(folder.fileSystem.map { "\(shown) is on \($0): \(every)" } ?? "\(shown): \(every) (backend = \"poll\")")
        }
    }

    private func makeFilter(_ config: Config) -> PathFilter {
        PathFilter(base: config.directory, patterns: config.watch.ignore, source: (config.file as NSString).lastPathComponent)
    }

    private func startWatching() -> Bool {
        let sink = self.sink
        let watcher = InotifyWatcher(
            roots: config.watch.paths, filter: makeFilter(config), configFile: config.file, backend: config.watch.backend,
            pollInterval: config.watch.pollInterval
        ) { output in
            switch output {
            case .events(let events): sink.yield(.files(events))
            case .configFile(let kind): sink.yield(.configFile(kind))
            case .rearmed(let summary): sink.yield(.watcherRearmed(summary))
            case .warning(let message): sink.yield(.watcherWarning(message))
            case .barrier(let id): sink.yield(.barrier(id))
            }
        }
        do {
            let summary = try watcher.start()
            console.say("watching \(summary.folders) folder(s)", .debug)
            announcePolling(summary)
        } catch {
            console.say("\(error)", .error)
            return false
        }
        self.watcher = watcher
        if let folder = watcher.barrierFolder { guardian?.removeOnExit(folder: folder) }
        return true
    }

    // MARK: Config hot reload

    private func configFileChanged(_ kind: FileEvent.Kind) {
        guard !shuttingDown else { return }
        if kind == .removed || kind == .renamedFrom {
            // Editors that save by rename delete or move the old file first: wait for the new one.
            console.say("\(config.file) was deleted or moved away; keeping the last good config", .debug)
        }
        configReload?.cancel()
        let quiet = config.watch.debounce
        configReload = Task {
            try? await Task.sleep(for: quiet)
            guard !Task.isCancelled else { return }
            await self.reloadConfig()
        }
    }

    /// Loads the saved config; applies it if valid, else keeps the old one and says why.
    private func reloadConfig() async {
        let file = config.file
        guard let data = FileManager.default.contents(atPath: file) else {
            console.say("\(file) is gone; keeping the last good config until it is back", .warning)
            return
        }
        if ConfigLoader.isBlank(String(decoding: data, as: UTF8.self)) {
            console.say("\(file) is empty; keeping the last good config", .warning)
            return
        }
        let new: Config
        do {
            new = try ConfigLoader.load(data: data, file: file, environment: options.environment)
        } catch {
            console.say("config not applied, keeping the last good one:\n\(error)", .error)
            return
        }
        let changes = ConfigPrinter.differences(from: config, to: new)
        guard !changes.isEmpty else {
            console.say("config saved; nothing changed", .debug)
            return
        }
        console.setSecrets([new.reconnect.password?.value].compactMap { $0 })
        console.say("config reloaded:\n" + changes.map { "  " + $0 }.joined(separator: "\n"))
        if new.reconnect.password != config.reconnect.password, let warning = Redactor.weakSecretWarning(new.reconnect.password) {
            console.say(warning, .warning)
        }
        let old = config
        config = new
        if old.watch != new.watch {
            debouncer.quietPeriod = new.watch.debounce
            watcher?.rearm(roots: new.watch.paths, filter: makeFilter(new), backend: new.watch.backend, pollInterval: new.watch.pollInterval)
        }
        if old.reconnect != new.reconnect { cachedEndpoint = nil }
        // Changed stages apply from the next cycle on, since every plan reads them afresh.
        if old.services != new.services || old.server.stopSignal != new.server.stopSignal || old.server.stopTimeout != new.server.stopTimeout {
            await services?.apply(new.services, server: new.server, hiding: [new.reconnect.passwordEnv])
        }
        if old.server != new.server {
            do {
                try await supervisor?.update(settings: new.server)
            } catch {
                console.say("[server] ready: \(error)", .error)
                return
            }
            startCycle(.configChanged)
        }
    }

    private func installSignalHandlers() {
        let sink = self.sink
        for signal in [SIGINT, SIGTERM, SIGHUP] {
            Glibc.signal(signal, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signal, queue: .global())
            source.setEventHandler { sink.yield(.signal(signal)) }
            source.resume()
            signalSources.append(source)
        }
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    // MARK: Changes

    private func record(_ all: [FileEvent]) {
        guard !shuttingDown else { return }
        var fileEvents = all
        if !suppressedOutputs.isEmpty {
            let outputs = Array(suppressedOutputs.values)
            let map = ResourceMap(resourcesDir: config.server.resourcesDir)
            fileEvents = all.filter { event in
                guard outputs.contains(where: { $0.covers(event.path, isDirectory: event.isDirectory) }) else { return true }
                let resource = event.isDirectory ? map.resource(ofFolderAt: event.path) : map.resource(containing: event.path)
                if let resource, !resourcesWrittenByStages.contains(resource) { resourcesWrittenByStages.append(resource) }
                return false
            }
            if console.verbose, fileEvents.count < all.count {
                console.say("\(all.count - fileEvents.count) event(s) in a running stage's outputs: not a new change", .debug)
            }
            if fileEvents.isEmpty { return }
        }
        if !runningStages.isEmpty { feedbackGuard.stagesWrote(fileEvents.map(\.path), stages: runningStages) }
        if console.verbose {
            for event in fileEvents {
                let shown = PathFilter.relative(event.path, to: config.directory) ?? event.path
                console.say("\(event.kind.rawValue): \(shown)", .debug)
            }
        }
        debouncer.record(fileEvents, at: .now)
        if debounceTimer == nil {
            debounceTimer = Task { await self.runDebounceTimer() }
        }
    }

    /// Sleeps until the debouncer's deadline, moving with it while events keep coming.
    private func runDebounceTimer() async {
        while let deadline = debouncer.deadline, !shuttingDown {
            if ContinuousClock.now >= deadline {
                if let changes = debouncer.flush(at: .now) { changesArrived(changes) }
                break
            }
            try? await Task.sleep(until: deadline, clock: .continuous)
        }
        debounceTimer = nil
    }

    // MARK: Cycles

    private func changesArrived(_ changes: ChangeSet) {
        if case .loop(let paths, let stages, let cycles) = feedbackGuard.admit(changes) {
            let shown = ChangeSet(paths: paths).summary(relativeTo: config.directory)
            let named = stages.joined(separator: ", ")
            let glob = StageFeedbackGuard.outputsSuggestion(for: paths, base: config.directory)
            // Said in full when the loop is first stopped; the same writes coming back later are only noted.
            console.say(
                cycles == StageFeedbackGuard.limit
                    ? "stopped a loop: the last \(cycles) cycles were started only by files that stage \(named) wrote (\(shown)). "
                        + "Add them to that stage's outputs, e.g. outputs = [\"\(glob)\"], so its own writes start no cycle; "
                        + "waiting for another change"
                    : "\(shown) written by stage \(named) again: not a new change",
                cycles == StageFeedbackGuard.limit ? .error : .debug)
            return
        }
        if cycleBusy, config.watch.onBusy == .queue {
            queuedChanges = queuedChanges.map { $0.merging(changes) } ?? changes
            console.say("change: \(changes.summary(relativeTo: config.directory)) → queued until cycle #\(cycleNumber) ends (on_busy = \"queue\")")
            return
        }
        if cycleBusy { console.say("change during cycle #\(cycleNumber): starting over with both change sets", .debug) }
        startCycle(.changes(changes))
    }

    private func startCycle(_ requested: CycleTrigger) {
        crashRestart?.cancel()
        crashRestart = nil
        var trigger = requested
        if let carried = carriedChanges {
            switch requested {
            case .changes(let changes): trigger = .changes(carried.merging(changes))
            // A restart must not drop a change set whose stages have not run yet.
            case .configChanged, .manualRestart: trigger = .changes(carried)
            case .initialStart, .crashRestart: break
            }
        }
        if case .changes(let changes) = trigger { carriedChanges = changes }
        if case .changes = requested {} else { feedbackGuard.otherCycleStarted() }
        let previous = cycle
        previous?.cancel()
        cycleNumber += 1
        cycleBusy = true
        let number = cycleNumber
        cycle = Task {
            await previous?.value
            let outcome = await self.perform(cycle: number, trigger: trigger)
            self.cycleEnded(number, trigger: trigger, outcome: outcome)
        }
    }

    private func cycleEnded(_ number: Int, trigger: CycleTrigger, outcome: CycleOutcome) {
        // A newer cycle took over (and merged this one's change set).
        guard number == cycleNumber else { return }
        cycleBusy = false
        if case .changes = trigger, outcome == .completed { carriedChanges = nil }
        // Kept to be built again, but "save → ready" counts from the save that fixes it.
        if outcome == .stageFailed { carriedChanges?.firstEventAt = nil }
        if let queued = queuedChanges, !shuttingDown {
            queuedChanges = nil
            startCycle(.changes(queued))
        }
    }

    /// Runs one batch of stages; their outputs start no cycle until every write they made has been seen.
    private func runStages(_ names: [String], plan: Plan, report: inout CycleReport) async -> CycleOutcome {
        let stages = names.compactMap { name in config.stages.first { $0.name == name } }
        let token = nextSuppression
        nextSuppression += 1
        let outputs = stages.flatMap(\.outputs)
        if !outputs.isEmpty { suppressedOutputs[token] = GlobSet(base: config.directory, patterns: outputs) }
        console.say("running stage\(names.count == 1 ? "" : "s") \(names.joined(separator: ", "))", .debug)
        runningStages = names
        defer { runningStages = [] }
        let runner = StageRunner(
            console: console, guardian: guardian, environment: options.environment, hidden: [config.reconnect.passwordEnv],
            stopTimeout: config.server.stopTimeout)
        let results = await runner.run(batch: stages, variables: StageRunner.variables(changed: plan.changedPaths, resources: plan.resources))
        await waitForWatcher()
        suppressedOutputs[token] = nil
        for result in results where result.outcome == .succeeded { report.stages.append((result.name, result.duration)) }
        if results.contains(where: { $0.outcome == .cancelled }) {
            let why = shuttingDown ? "altv-dev is stopping" : "a newer change set came in"
            console.say("stage\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")) stopped: \(why)")
            return .cancelled
        }
        guard let failed = results.first(where: { $0.outcome != .succeeded }) else { return .completed }
        var message = failed.summary
        if !failed.lastLines.isEmpty {
            message += "; last lines:\n" + failed.lastLines.suffix(10).map { "  │ " + $0 }.joined(separator: "\n")
        }
        console.say(message, .error)
        let kept = await supervisor?.current != nil ? "the running server keeps running" : "the server was not started"
        report.result = .failed("\(failed.name) failed; \(kept); the next change tries again")
        console.say(report.line, .error)
        return .stageFailed
    }

    /// Waits (up to a second, not cancellable) until the watcher has delivered every event made so far.
    private func waitForWatcher() async {
        guard let id = watcher?.barrier() else { return }
        let latch = Latch<Void>()
        barriers[id] = latch
        _ = await Task.detached { await latch.wait(timeout: .seconds(1)) }.value
        barriers[id] = nil
    }

    private func perform(cycle number: Int, trigger: CycleTrigger) async -> CycleOutcome {
        guard let supervisor, !shuttingDown, !Task.isCancelled else { return .cancelled }
        let description: String
        switch trigger {
        case .initialStart:
            description = "start"
        case .changes(let changes):
            description = changes.summary(relativeTo: config.directory)
        case .manualRestart:
            description = ":r"
        case .configChanged:
            description = "[server] config changed"
            console.say("[server] changed → restarting the server")
        case .crashRestart:
            description = "restart after a crash"
        }
        var report = CycleReport(number: number, trigger: description)
        let plan = Planner.plan(for: trigger, config: config, serverRunning: await supervisor.current != nil)
        if case .changes = trigger {
            var steps = plan.stageNames.isEmpty ? [] : ["stage" + (plan.stageNames.count == 1 ? " " : "s ") + plan.stageNames.joined(separator: ", ")]
            if plan.fallback.isEmpty {
                steps.append("restarting the server" + (plan.fullRestartReason.map { " (\($0))" } ?? ""))
            } else {
                let named = plan.actions.lazy.compactMap { action -> [String]? in
                    if case .restartResources(let names) = action { return names }
                    return nil
                }.first ?? []
                steps.append(
                    plan.stageNames.isEmpty || !named.isEmpty
                        ? "restarting resource\(named.count == 1 ? "" : "s") \(named.joined(separator: ", "))"
                        : "restarting the resources the stages change")
            }
            console.say("change: \(description) → " + steps.joined(separator: ", then "))
        }
        var run: ServerRun?
        resourcesWrittenByStages = []
        var actions = plan.actions[...]
        while let action = actions.popFirst() {
            switch action {
            case .runStages(let names):
                guard !Task.isCancelled else { return .cancelled }
                let outcome = await runStages(names, plan: plan, report: &report)
                if outcome != .completed { return outcome }
            case .awaitServices:
                await services?.waitUntilReady()
                if Task.isCancelled { return .cancelled }
            case .restartResources(let planned):
                guard !Task.isCancelled else { return .cancelled }
                let names = planned + resourcesWrittenByStages.filter { !planned.contains($0) }
                guard !names.isEmpty else {
                    console.say("the stages changed no resource: nothing to restart")
                    break
                }
                let started = ContinuousClock.now
                switch await supervisor.restartResources(names, timeout: config.server.readyTimeout) {
                case .restarted:
                    let now = ContinuousClock.now
                    report.resourcesRestarted = (names, now - started)
                    if case .changes(let changes) = trigger, let first = changes.firstEventAt { report.saveToReady = now - first }
                case .failed(let reason):
                    console.say("resource restart failed: \(reason); restarting the whole server", .warning)
                    actions = plan.fallback[...] + actions
                case .cancelled:
                    return .cancelled
                }
            case .stopServer:
                report.stop = await supervisor.stop()?.duration
                // A newer change set is waiting: it starts the server, not this one.
                if Task.isCancelled { return .cancelled }
            case .startServer:
                guard !Task.isCancelled, !shuttingDown else { return .cancelled }
                let port = config.server.port
                if PortInspector.isTaken(port: port) {
                    console.say("port \(port) is still taken; waiting up to \(config.server.stopTimeout.humanReadable) for it", .debug)
                    if !(await PortInspector.waitUntilFree(port: port, timeout: config.server.stopTimeout)) {
                        if Task.isCancelled { return .cancelled }
                        let holder = PortInspector.holder(of: port).map { "\($0)" } ?? "a process that is gone now"
                        report.result = .failed(
                            "not started: port \(port) is held by \(holder); stop it, or set [server] port if the server uses another")
                        console.say(report.line, .error)
                        return .completed
                    }
                }
                do {
                    run = try await supervisor.start(hidingVariables: [config.reconnect.passwordEnv])
                } catch {
                    console.say("\(error)", .error)
                    report.result = .failed("server did not start; waiting for a change")
                    console.say(report.line, .error)
                    return .completed
                }
            case .awaitReady:
                guard let run else { return .completed }
                switch await run.waitUntilReady(timeout: config.server.readyTimeout) {
                case .ready(let after):
                    report.startToReady = after
                    if case .changes(let changes) = trigger, let first = changes.firstEventAt {
                        report.saveToReady = run.process.startedAt + after - first
                    }
                    console.say("server ready in \(after.humanReadable)", .debug)
                    report.failedResources = run.output.resourcesFailedAtStart
                    if !report.failedResources.isEmpty {
                        console.say(
                            "the server is up, but failed to load resource \(report.failedResources.joined(separator: ", ")) (see its lines above)",
                            .warning)
                    }
                case .exited(let status, let readyAfter?):
                    report.startToReady = readyAfter
                    report.result = .failed(Self.exitedAfterReady(run, status: status))
                    console.say(report.line, .error)
                    return .completed
                case .exited(let status, nil):
                    report.result = .failed("server \(status) before it was ready")
                    console.say(report.line, .error)
                    return .completed
                case .timedOut:
                    report.result = .failed(
                        "no line matched /\(config.server.ready)/ within \(config.server.readyTimeout.humanReadable); the server keeps running (check [server] ready)")
                    console.say(report.line, .warning)
                    return .completed
                case .cancelled:
                    return .cancelled
                }
            case .reconnectClient:
                switch await reconnectUnlessExited(run) {
                case .reconnected(let elapsed):
                    report.reconnect = elapsed
                case .notConnected:
                    report.result = .clientNotConnected
                case .failed(let reason):
                    report.result = .failed(reason)
                case .serverExited(let status):
                    report.result = .failed(Self.exitedAfterReady(run, status: status))
                    console.say(report.line, .error)
                    return .completed
                case .cancelled:
                    return .cancelled
                }
            }
        }
        // A server that dies right after its ready line failed to start, however fast the reconnect was:
        // the cycle's verdict waits until the line is `readySettle` old.
        if let run, let readyAt = run.output.ready.current, run.process.exit.current == nil {
            _ = await run.process.exit.wait(until: readyAt + Self.readySettle)
            if Task.isCancelled { return .cancelled }
        }
        if let run, let status = run.process.exit.current, run.output.ready.current != nil {
            report.result = .failed(Self.exitedAfterReady(run, status: status))
            console.say(report.line, .error)
            return .completed
        }
        switch report.result {
        case .done: console.say(report.line, .success)
        case .clientNotConnected: console.say(report.line, .warning)
        case .failed: console.say(report.line, .error)
        }
        return .completed
    }

    /// How long after its ready line a server's exit still fails the cycle that started it.
    static let readySettle: Duration = .milliseconds(250)

    static func exitedAfterReady(_ run: ServerRun?, status: ExitStatus) -> String {
        guard let after = run?.exitedAfterReady()?.after else { return "server \(status) after it was ready" }
        return "server \(status) \(after.humanReadable) after it was ready"
    }

    enum ReconnectResult: Equatable {
        case reconnected(Duration)
        /// The client did not answer or never became ready: the server is fine, the game is not there.
        case notConnected
        case failed(String)
        case serverExited(ExitStatus)
        case cancelled
    }

    /// The reconnect flow, abandoned the moment the server it would reconnect to exits.
    private func reconnectUnlessExited(_ run: ServerRun?) async -> ReconnectResult {
        guard let run else { return await reconnectClient() }
        if let status = run.process.exit.current { return .serverExited(status) }
        return await withTaskGroup(of: ReconnectResult?.self) { race in
            race.addTask { await self.reconnectClient() }
            race.addTask { await run.process.exit.wait().map { .serverExited($0) } }
            let first = await race.next() ?? nil
            race.cancelAll()
            if first == .cancelled, let status = run.process.exit.current { return .serverExited(status) }
            return first ?? .cancelled
        }
    }

    /// Runs the reconnect flow once, telling the user what it sees.
    private func reconnectClient() async -> ReconnectResult {
        let settings = config.reconnect
        let flow = ReconnectFlow(
            endpoint: endpoint,
            password: settings.password, retryInterval: settings.retryInterval, timeout: settings.timeout,
            clock: ContinuousClock())
        let console = self.console
        let hintGiven = clientHintGiven
        var unreachable = false
        let outcome = await flow.run { progress in
            switch progress {
            case .unreachable(let error):
                unreachable = true
                let line = "game client at \(settings.url) \(error); retrying every \(settings.retryInterval.humanReadable) for up to \(settings.timeout.humanReadable)"
                // Said in full once per outage; while the game stays away, later cycles say it only with --verbose.
                console.say(line, hintGiven ? .debug : .warning)
                if !hintGiven { console.say(Self.clientHint) }
            case .waiting(let status):
                console.say("game client is \(status); waiting for MAIN_MENU or IN_GAME")
            case .sendingReconnect(let status):
                console.say("game client is \(status): sending POST /reconnect", .debug)
            }
        }
        // A flow cancelled by a newer change learned nothing about the client: the hint state stays.
        if outcome != .cancelled { clientHintGiven = unreachable }
        switch outcome {
        case .reconnected(let status, let after):
            console.say("game client reconnecting (was \(status))")
            return .reconnected(after)
        case .gaveUp(let last):
            console.say("gave up reconnecting after \(settings.timeout.humanReadable) (\(last)); the next change tries again", unreachable && hintGiven ? .debug : .warning)
            return .notConnected
        case .rejected(let error):
            let source = settings.passwordSource.map { " (password from \($0))" } ?? " (no password set)"
            console.say("POST \(settings.url)/reconnect failed: \(error)\(source)", .error)
            return .failed("the game client refused the reconnect")
        case .notAClient(let answer):
            console.say(
                "\(settings.url) is not an alt:V client: GET /status answered \(answer), not a status like MAIN_MENU; check [reconnect] url",
                .error)
            return .failed("not an alt:V client at \(settings.url)")
        case .cancelled:
            return .cancelled
        }
    }

    /// What to check when the game client does not answer at all, said once per outage.
    static let clientHint = """
        the game client's debug endpoint does not answer. Check that the game is running with alt:V, that \
        `debug = true` is set in the client's altv.toml and in server.toml, and that [reconnect] url is right; \
        or set [reconnect] enabled = false to stop trying
        """

    private func reportExit(status: ExitStatus, uptime: Duration, lastLines: [String]) {
        var message = "server \(status) after \(uptime.humanReadable)"
        if !lastLines.isEmpty {
            message += "; last lines:\n" + lastLines.suffix(10).map { "  │ " + $0 }.joined(separator: "\n")
        }
        guard config.server.onCrash == .restart, !shuttingDown else {
            message += "\nwaiting for a change to start it again"
            console.say(message, .error)
            return
        }
        let delay = crashBackoff.delay(afterUptime: uptime)
        message += "\nrestarting in \(delay.humanReadable) (on_crash = \"restart\")"
        console.say(message, .error)
        crashRestart?.cancel()
        crashRestart = Task {
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            self.restartAfterCrash()
        }
    }

    private func restartAfterCrash() {
        guard !shuttingDown, crashRestart != nil else { return }
        crashRestart = nil
        startCycle(.crashRestart)
    }

    // MARK: Shutdown

    private func shutdown() async {
        watcher?.stop()
        debounceTimer?.cancel()
        crashRestart?.cancel()
        cycle?.cancel()
        await cycle?.value
        if let report = await supervisor?.stop() {
            console.say("server stopped in \(report.duration.humanReadable)")
        }
        await services?.stopAll()
        await guardian?.dismiss()
        sink.finish()
    }
}
