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

        public init(debounce: Duration, onBusy: BusyPolicy, onCrash: CrashPolicy, stopsEarly: Bool = false) {
            self.debounce = debounce
            self.onBusy = onBusy
            self.onCrash = onCrash
            self.stopsEarly = stopsEarly
        }

        public init(_ config: Config) {
            self.init(
                debounce: config.watch.debounce, onBusy: config.watch.onBusy, onCrash: config.server.onCrash,
                // A stage could fail and must leave the last good server running; restart-resources never stops it.
                stopsEarly: config.stages.isEmpty && config.server.onChange == .restart)
        }
    }

    /// `:r`, `:rc`, `:q` typed at the terminal.
    public enum Command: Equatable, Sendable {
        case restart, reconnect, quit
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
        /// A reloaded config was applied; `restartServer` when `[server]` changed.
        case configApplied(Settings, restartServer: Bool)
        case command(Command)
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
        /// Feed `.crashTimerFired` after this long; replaces one already set.
        case setCrashTimer(Duration)
        case cancelCrashTimer
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
    private var crashTimerSet = false
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
            guard server.apply(report, at: now), case .exited(let pid, let status, let uptime, let lines) = report else { return [] }
            return serverExited(pid: pid, status: status, uptime: uptime, lastLines: lines)
        case .crashTimerFired:
            guard crashTimerSet else { return [] }
            crashTimerSet = false
            return startCycle(.crashRestart)
        case .configApplied(let new, let restartServer):
            settings = new
            debouncer.quietPeriod = new.debounce
            return restartServer ? startCycle(.configChanged) : []
        case .command(.restart):
            return [.emit(.notice(.loop(.restartCommand)))] + startCycle(.manualRestart)
        case .command(.reconnect):
            return [.emit(.notice(.loop(.reconnectCommand))), .reconnectClient]
        case .command(.quit):
            return stop(.quit, at: now)
        case .signal(let signal):
            return stop(.signal(signal), at: now)
        }
    }

    public static var repeatedSignal: Duration { Timings.repeatedSignal }

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
        crashTimerSet = false
        return [.emit(.stopping(cause)), .cancelCrashTimer, .shutDown]
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
            case .changes(let changes): trigger = .changes(carried.merging(changes))
            // A restart must not drop a change set whose stages have not run yet.
            case .configChanged, .manualRestart: trigger = .changes(carried)
            case .initialStart, .crashRestart: break
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
        var effects: [Effect] = []
        if crashTimerSet {
            crashTimerSet = false
            effects.append(.cancelCrashTimer)
        }
        guard let inFlight else { return effects + [.startCycle(cycleNumber, trigger, server: server)] }
        let alreadyCancelled = superseded != nil
        superseded = (inFlight, cycleNumber, trigger)
        return alreadyCancelled ? effects : effects + [.cancelCycle]
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
        // Kept to be built again, but "save → ready" counts from the save that fixes it.
        if outcome == .stageFailed { carried?.firstEventAt = nil }
        guard let next = queued else { return [] }
        queued = nil
        return startCycle(.changes(next))
    }

    private mutating func serverExited(pid: Int32, status: ExitStatus, uptime: Duration, lastLines: [String]) -> [Effect] {
        guard settings.onCrash == .restart else {
            return [.emit(.serverExited(pid: pid, status: status, uptime: uptime, lastLines: lastLines, then: .waitForChange))]
        }
        let delay = crashBackoff.delay(afterUptime: uptime)
        crashTimerSet = true
        return [
            .emit(.serverExited(pid: pid, status: status, uptime: uptime, lastLines: lastLines, then: .restart(in: delay))),
            .setCrashTimer(delay),
        ]
    }
}
