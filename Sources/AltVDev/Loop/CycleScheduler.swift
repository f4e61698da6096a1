import Glibc

/// Every rule about when a cycle runs, as a pure value: inputs are things that happened, the
/// answer is what to do next. The caller passes the time, so tests drive it with a manual clock.
public struct CycleScheduler: Sendable {
    public struct Settings: Equatable, Sendable {
        public var debounce: Duration
        public var onBusy: BusyPolicy
        public var onCrash: CrashPolicy
        /// Every change is a full restart with no stage before it, so the stop can begin at a burst's
        /// first event: it overlaps the quiet period instead of following it.
        public var stopsEarly: Bool
        /// The config file, to name it when it goes away.
        public var configFile: String

        public init(debounce: Duration, onBusy: BusyPolicy, onCrash: CrashPolicy, stopsEarly: Bool = false, configFile: String = "altv-dev.toml") {
            self.debounce = debounce
            self.onBusy = onBusy
            self.onCrash = onCrash
            self.stopsEarly = stopsEarly
            self.configFile = configFile
        }

        public init(_ config: Config) {
            self.init(
                debounce: config.watch.debounce, onBusy: config.watch.onBusy, onCrash: config.server.onCrash,
                // A stage could fail and must leave the last good server running; restart-resources never stops it.
                stopsEarly: config.stages.isEmpty && config.server.onChange == .restart, configFile: config.file)
        }
    }

    public enum Input: Equatable, Sendable {
        case started
        /// File events, with the stages that were running when they came (their writes feed the loop guard).
        case filesChanged([FileEvent], duringStages: [String])
        /// The debounce timer asked for by `.wakeAt` went off.
        case debounceTimerFired
        case cycleFinished(Int, CycleOutcome)
        /// The cycle began to start the server or to restart resources: it runs to its end, and a
        /// change that comes meanwhile waits for it (a start cut off never reconnects the client).
        case cycleCommitted(Int)
        /// What the supervisor saw happen to the server.
        case server(ServerReport)
        case crashTimerFired
        /// The config file was saved, created, moved or deleted.
        case configFileChanged(FileEvent.Kind)
        /// The config file's timer asked for by `.wakeForConfigAt` went off.
        case configTimerFired
        /// A reloaded config was applied; `restartServer` when `[server]` changed.
        case configApplied(Settings, restartServer: Bool)
        /// A line typed at altv-dev's terminal.
        case command(ConsoleCommand)
        case signal(Int32)
    }

    public enum Effect: Equatable, Sendable {
        /// Run this cycle, planned from `server`: no other cycle is in flight.
        case startCycle(Int, CycleTrigger, server: ServerState)
        /// Cancel the cycle in flight (a server stop in it still finishes); its `.cycleFinished` starts the next.
        case cancelCycle
        /// Feed `.debounceTimerFired` at this instant.
        case wakeAt(ContinuousClock.Instant)
        /// Begin stopping this server now; the next cycle's stop waits for it and reports it.
        case stopServerEarly(pid: Int32)
        /// Feed `.crashTimerFired` after this long; a timer that fires when no restart is due is ignored,
        /// so none is ever cancelled.
        case setCrashTimer(Duration)
        /// Feed `.configTimerFired` at this instant.
        case wakeForConfigAt(ContinuousClock.Instant)
        /// Read the config file again and apply it if it is good.
        case reloadConfig
        /// Type this line into the server's console.
        case sendToConsole(String)
        /// Run the reconnect flow on its own, cancelling one `:rc` started before.
        case reconnectClient
        /// Stop the cycle, the server, the services; then end.
        case shutDown
        /// A second signal while stopping: SIGKILL to everything at once.
        case killNow
        case emit(LoopEvent)
    }

    public enum State: Equatable, Sendable {
        case idle
        case running(Int)
        case stopping
    }

    public private(set) var state: State = .idle
    /// The one place the server's state is kept; each plan is made from it.
    public private(set) var server: ServerState = .notRunning
    public private(set) var settings: Settings
    private var debouncer: Debouncer
    private var timerArmed = false
    private var cycleNumber = 0
    /// The cycle asked to end (`.cancelCycle`), and the one that starts when it has.
    private var superseded: (cycle: Int, next: Int, trigger: CycleTrigger)?
    /// The change set of the cycle in flight, or of one whose stages failed: merged into the next.
    private var carried: ChangeSet?
    /// The cycle in flight was started by a change set (so finishing it settles `carried`).
    private var runningChanges = false
    /// With `on_busy = "queue"`, or once the cycle is committed: what arrived while a cycle ran.
    private var queued: ChangeSet?
    /// The running cycle has begun to start the server or restart resources.
    private var committed = false
    /// When the stop began, to tell a second Ctrl+C from one signal sent twice at once.
    private var stoppingSince: ContinuousClock.Instant?
    private var crashBackoff = CrashBackoff()
    /// When the restart after a crash is due; nil when none is.
    private var crashRestartDue: ContinuousClock.Instant?
    /// When the config file has been quiet for the debounce: due to be read again.
    private var configDue: ContinuousClock.Instant?
    private var configTimerArmed = false
    private var feedbackGuard = StageFeedbackGuard()

    public init(settings: Settings) {
        self.settings = settings
        debouncer = Debouncer(quietPeriod: settings.debounce)
    }

    public mutating func handle(_ input: Input, at now: ContinuousClock.Instant) -> [Effect] {
        if state == .stopping { return whileStopping(input, at: now) }
        switch input {
        case .started:
            return startCycle(.initialStart)
        case .filesChanged(let events, let stages):
            if !stages.isEmpty { feedbackGuard.stagesWrote(events.map(\.path), stages: stages) }
            // Only before the ready line: resources write as they load, and a save made on seeing the
            // server ready (while the cycle settles) is the user's, however often it is the same file.
            if committed, case .running = state, case .starting = server { feedbackGuard.serverStartWrote(events.map(\.path)) }
            let deadline = debouncer.record(events, at: now)
            var effects: [Effect] = []
            // Not for a file the burst created: `echo x > f; rm f` must not restart the server. A burst
            // that touches an existing file always flushes to a change set, so the stopped server is started again.
            if settings.stopsEarly, state == .idle, server.takesConsoleCommands, let pid = server.pid, debouncer.touchesExistingFiles {
                server.beginEarlyStop(of: pid, at: now)
                effects.append(.stopServerEarly(pid: pid))
            }
            guard let deadline, !timerArmed else { return effects }
            timerArmed = true
            return effects + [.wakeAt(deadline)]
        case .debounceTimerFired:
            timerArmed = false
            if let changes = debouncer.flush(at: now) { return changesArrived(changes) }
            guard let deadline = debouncer.deadline else { return [] }
            timerArmed = true
            return [.wakeAt(deadline)]
        case .cycleFinished(let number, let outcome):
            return cycleFinished(number, outcome)
        case .cycleCommitted(let number):
            if state == .running(number) { committed = true }
            return []
        case .server(let report):
            return reported(report, at: now)
        case .crashTimerFired:
            guard let due = crashRestartDue, now >= due else { return [] }
            crashRestartDue = nil
            return startCycle(.crashRestart)
        case .configFileChanged(let kind):
            return configFileChanged(kind, at: now)
        case .configTimerFired:
            configTimerArmed = false
            guard let due = configDue else { return [] }
            guard now >= due else {
                configTimerArmed = true
                return [.wakeForConfigAt(due)]
            }
            configDue = nil
            return [.reloadConfig]
        case .configApplied(let new, let restartServer):
            settings = new
            debouncer.quietPeriod = new.debounce
            return restartServer ? startCycle(.configChanged) : []
        case .command(let command):
            return typed(command, at: now)
        case .signal(let signal):
            return stop(.signal(signal), at: now)
        }
    }

    public static var repeatedSignal: Duration { Timings.repeatedSignal }

    private mutating func reported(_ report: ServerReport, at now: ContinuousClock.Instant) -> [Effect] {
        // Said in the cycle in flight, or the last one: a runtime error belongs to what that cycle started.
        if case .diagnostic(let diagnostic) = report { return [.emit(.diagnostic(cycle: cycleNumber > 0 ? cycleNumber : nil, diagnostic))] }
        guard server.apply(report, at: now), case .exited(let pid, let status, let uptime, let lines) = report else { return [] }
        return serverExited(pid: pid, status: status, uptime: uptime, lastLines: lines, at: now)
    }

    /// Once stopping, only a second signal does anything: it kills at once.
    private mutating func whileStopping(_ input: Input, at now: ContinuousClock.Instant) -> [Effect] {
        // The shutdown's own stop is reported too; an exit now was asked for.
        if case .server(let report) = input { server.apply(report, at: now) }
        guard case .signal(let signal) = input, now - (stoppingSince ?? now) >= Self.repeatedSignal else { return [] }
        return [
            .emit(.killingNow(signal: signal)),
            .killNow,
        ]
    }

    private mutating func stop(_ cause: StopCause, at now: ContinuousClock.Instant) -> [Effect] {
        state = .stopping
        stoppingSince = now
        crashRestartDue = nil
        return [.emit(.stopping(cause)), .shutDown]
    }

    private mutating func typed(_ command: ConsoleCommand, at now: ContinuousClock.Instant) -> [Effect] {
        switch command {
        case .restart: [.emit(.notice(.loop(.restartCommand)))] + startCycle(.manualRestart)
        case .restartResource(let name): [.emit(.notice(.loop(.resourceRestartCommand(name))))] + startCycle(.resourceRestart([name]))
        case .reconnect: [.emit(.notice(.loop(.reconnectCommand))), .reconnectClient]
        case .quit: stop(.quit, at: now)
        case .help: [.emit(.notice(.loop(.help)))]
        case .unknown(let text): [.emit(.notice(.loop(.unknownCommand(text))))]
        case .server(let text): [.sendToConsole(text)]
        }
    }

    /// An editor that saves by rename deletes or moves the old file first: the read waits for the
    /// file to be quiet for the debounce, then keeps the last good config if it is gone.
    private mutating func configFileChanged(_ kind: FileEvent.Kind, at now: ContinuousClock.Instant) -> [Effect] {
        configDue = now + settings.debounce
        let gone: [Effect] = kind == .removed || kind == .renamedFrom ? [.emit(.notice(.watch(.configFileGone(settings.configFile))))] : []
        guard !configTimerArmed, let due = configDue else { return gone }
        configTimerArmed = true
        return gone + [.wakeForConfigAt(due)]
    }

    private mutating func changesArrived(_ changes: ChangeSet) -> [Effect] {
        let verdict = feedbackGuard.admit(changes)
        if case .loop = verdict { return [.emit(.loopStopped(verdict))] }
        guard case .running(let number) = state else { return startCycle(.changes(changes)) }
        if settings.onBusy == .queue || committed {
            queued = queued.map { $0.merging(changes) } ?? changes
            return [.emit(.changeQueued(changes, behind: number, because: committed ? .serverStarting : .onBusyQueue))]
        }
        return [.emit(.changeDuringCycle(number))] + startCycle(.changes(changes))
    }

    private mutating func startCycle(_ requested: CycleTrigger) -> [Effect] {
        var trigger = requested
        if let carried {
            switch requested {
            case .changes(let changes):
                // "save → ready" counts from the save that started this cycle, not from the carried set's.
                var merged = carried.merging(changes)
                merged.firstEventAt = changes.firstEventAt
                trigger = .changes(merged)
            // A restart must not drop a change set whose stages have not run yet; no save started it.
            case .configChanged, .manualRestart:
                var kept = carried
                kept.firstEventAt = nil
                trigger = .changes(kept)
            // What was asked for runs; the carried set stays carried into the next change.
            case .initialStart, .crashRestart, .resourceRestart: break
            }
        }
        if case .changes(let changes) = trigger {
            carried = changes
            runningChanges = true
        } else {
            runningChanges = false
        }
        if case .changes = requested {} else { feedbackGuard.otherCycleStarted() }
        // The cycle in flight ends first; the plan is made from the state its end leaves.
        let inFlight: Int? = superseded?.cycle ?? { if case .running(let number) = state { number } else { nil } }()
        cycleNumber += 1
        state = .running(cycleNumber)
        committed = false
        // A cycle that starts the server makes the restart after a crash moot.
        crashRestartDue = nil
        guard let inFlight else { return [.startCycle(cycleNumber, trigger, server: server)] }
        let alreadyCancelled = superseded != nil
        superseded = (inFlight, cycleNumber, trigger)
        return alreadyCancelled ? [] : [.cancelCycle]
    }

    private mutating func cycleFinished(_ number: Int, _ outcome: CycleOutcome) -> [Effect] {
        // A newer cycle took over (and merged this one's change set): it starts now.
        if let waiting = superseded, waiting.cycle == number {
            superseded = nil
            return [.startCycle(waiting.next, waiting.trigger, server: server)]
        }
        guard state == .running(number) else { return [] }
        state = .idle
        committed = false
        if runningChanges, outcome == .completed { carried = nil }
        if runningChanges, case .partlyApplied(let retry) = outcome {
            // Only what the failed stage ran for is built again; "save → ready" counts from the save that fixes it.
            let kept = carried?.paths.filter(retry.contains) ?? []
            carried = kept.isEmpty ? nil : ChangeSet(paths: kept)
        }
        // Kept to be built again, but "save → ready" counts from the save that fixes it.
        if outcome == .stageFailed { carried?.firstEventAt = nil }
        guard let next = queued else { return [] }
        queued = nil
        return startCycle(.changes(next))
    }

    private mutating func serverExited(pid: Int32, status: ExitStatus, uptime: Duration, lastLines: [String], at now: ContinuousClock.Instant) -> [Effect] {
        guard settings.onCrash == .restart else {
            return [.emit(.serverExited(pid: pid, status: status, uptime: uptime, lastLines: lastLines, then: .waitForChange))]
        }
        let delay = crashBackoff.delay(afterUptime: uptime)
        crashRestartDue = now + delay
        return [
            .emit(.serverExited(pid: pid, status: status, uptime: uptime, lastLines: lastLines, then: .restart(in: delay))),
            .setCrashTimer(delay),
        ]
    }
}
