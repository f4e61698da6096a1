import Glibc
import Testing

@testable import AltVDev

/// The scheduling rules of the README ("How it behaves", "Stages", "Resource restarts"), one or more
/// tests each, on a manual clock and with no process.
@Suite("Cycle scheduler")
struct CycleSchedulerTests {
    let start = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }
    func saved(_ paths: String...) -> CycleScheduler.Input { .filesChanged(paths.map { FileEvent(path: $0, kind: .modified) }, duringStages: []) }

    static func settings(onBusy: BusyPolicy = .restart, onCrash: CrashPolicy = .wait, debounce: Int = 100) -> CycleScheduler.Settings {
        .init(debounce: .milliseconds(debounce), onBusy: onBusy, onCrash: onCrash)
    }

    /// A scheduler after its first start finished, idle, with server 100 running.
    func idle(_ settings: CycleScheduler.Settings = settings()) -> CycleScheduler {
        var scheduler = CycleScheduler(settings: settings)
        _ = scheduler.handle(.started, at: at(0))
        _ = scheduler.handle(.server(.started(pid: 100)), at: at(0))
        _ = scheduler.handle(.server(.ready(pid: 100)), at: at(0))
        _ = scheduler.handle(.cycleFinished(1, .completed), at: at(0))
        return scheduler
    }

    func exited(_ pid: Int32, _ status: AltVDev.ExitStatus = .exited(1), uptime: Duration = .seconds(1), lines: [String] = []) -> CycleScheduler.Input {
        .server(.exited(pid: pid, status: status, uptime: uptime, lastLines: lines))
    }

    /// The cycles the effects start.
    func cycles(_ effects: [CycleScheduler.Effect]) -> [(Int, CycleTrigger)] {
        effects.compactMap { effect in
            if case .startCycle(let number, let trigger, _) = effect { return (number, trigger) }
            return nil
        }
    }

    func changedPaths(_ effects: [CycleScheduler.Effect]) -> [String]? {
        guard case .changes(let changes)? = cycles(effects).first?.1 else { return nil }
        return changes.paths
    }

    @Test("the first start runs cycle #1 from .initialStart")
    func firstStart() {
        var scheduler = CycleScheduler(settings: Self.settings())
        let effects = scheduler.handle(.started, at: at(0))
        #expect(effects == [.startCycle(1, .initialStart, server: .notRunning)])
        #expect(scheduler.state == .running(1))
    }

    @Test("the server's diagnostic is said in the cycle in flight or the last one, and changes nothing else")
    func serverDiagnostic() {
        let thrown = Diagnostic(source: "server", resource: "core", severity: .error, message: "Error: boom")
        var scheduler = idle()
        #expect(scheduler.handle(.server(.diagnostic(thrown)), at: at(10)) == [.emit(.diagnostic(cycle: 1, thrown))])
        #expect(scheduler.server == .running(pid: 100) && scheduler.state == .idle)
        _ = scheduler.handle(saved("/p/resources/core/a.js"), at: at(20))
        _ = scheduler.handle(.debounceTimerFired, at: at(200))
        #expect(scheduler.handle(.server(.diagnostic(thrown)), at: at(210)) == [.emit(.diagnostic(cycle: 2, thrown))])
        var fresh = CycleScheduler(settings: Self.settings())
        #expect(fresh.handle(.server(.diagnostic(thrown)), at: at(0)) == [.emit(.diagnostic(cycle: nil, thrown))])
    }

    @Test("a burst of saves is one change set, due when the debounce has been quiet")
    func burstIsOneChangeSet() {
        var scheduler = idle()
        #expect(scheduler.handle(saved("/p/a.js"), at: at(10)) == [.wakeAt(at(110))])
        // The timer is armed: later saves move the deadline without asking for another.
        #expect(scheduler.handle(saved("/p/b.js"), at: at(60)) == [])
        #expect(scheduler.handle(saved("/p/a.js"), at: at(90)) == [])
        // The timer goes off at the first deadline: not quiet yet, so it is armed again.
        #expect(scheduler.handle(.debounceTimerFired, at: at(110)) == [.wakeAt(at(190))])
        let effects = scheduler.handle(.debounceTimerFired, at: at(190))
        #expect(changedPaths(effects) == ["/p/a.js", "/p/b.js"])
        #expect(cycles(effects).first?.0 == 2)
    }

    @Test("a file created and deleted within the debounce starts no cycle")
    func netNoOp() {
        var scheduler = idle()
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/x.tmp", kind: .created)], duringStages: []), at: at(0))
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/x.tmp", kind: .removed)], duringStages: []), at: at(5))
        #expect(scheduler.handle(.debounceTimerFired, at: at(105)) == [])
        #expect(scheduler.state == .idle)
    }

    @Test("on_busy = restart: a change during a cycle starts over with both change sets")
    func onBusyRestart() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(saved("/p/b.js"), at: at(150))
        let effects = scheduler.handle(.debounceTimerFired, at: at(250))
        #expect(effects == [.emit(.changeDuringCycle(2)), .cancelCycle])
        #expect(scheduler.state == .running(3))
        // The next cycle starts when the cancelled one has ended.
        let next = scheduler.handle(.cycleFinished(2, .cancelled), at: at(300))
        #expect(cycles(next).map(\.0) == [3])
        #expect(changedPaths(next) == ["/p/a.js", "/p/b.js"])
        #expect(scheduler.state == .running(3))
        _ = scheduler.handle(.cycleFinished(3, .completed), at: at(400))
        #expect(scheduler.state == .idle)
    }

    @Test("a change while the cycle starts the server never cancels the start: it waits, then runs as its own cycle")
    func changeDuringStart() {
        var scheduler = CycleScheduler(settings: Self.settings())
        _ = scheduler.handle(.started, at: at(0))
        // A stale commit (of a cycle that is not running) changes nothing.
        #expect(scheduler.handle(.cycleCommitted(7), at: at(1)) == [])
        #expect(scheduler.handle(.cycleCommitted(1), at: at(5)) == [])
        _ = scheduler.handle(saved("/p/a.js"), at: at(10))
        let effects = scheduler.handle(.debounceTimerFired, at: at(110))
        #expect(effects == [.emit(.changeQueued(ChangeSet(paths: ["/p/a.js"], firstEventAt: at(10)), behind: 1, because: .serverStarting))])
        #expect(scheduler.state == .running(1))
        let next = scheduler.handle(.cycleFinished(1, .completed), at: at(500))
        #expect(cycles(next).map(\.0) == [2])
        #expect(changedPaths(next) == ["/p/a.js"])
        // The next cycle starts uncommitted: a change before its start starts over as usual.
        _ = scheduler.handle(saved("/p/b.js"), at: at(510))
        #expect(scheduler.handle(.debounceTimerFired, at: at(610)).first == .emit(.changeDuringCycle(2)))
    }

    @Test("a config reload between a burst's first event and its plan: the plan knows the server is already stopping")
    func configReloadDuringEarlyStop() {
        var scheduler = idle(.init(debounce: .milliseconds(100), onBusy: .restart, onCrash: .wait, stopsEarly: true))
        #expect(scheduler.handle(saved("/p/a.js"), at: at(0)).contains(.stopServerEarly(pid: 100)))
        #expect(scheduler.server == .stoppingEarly(pid: 100, since: at(0)))
        // A stage is added meanwhile: the settings no longer stop early, but the server is already stopping.
        _ = scheduler.handle(.configApplied(Self.settings(), restartServer: false), at: at(50))
        let effects = scheduler.handle(.debounceTimerFired, at: at(100))
        guard case .startCycle(2, .changes, let server)? = effects.last else {
            Issue.record("no cycle: \(effects)")
            return
        }
        #expect(server == .stoppingEarly(pid: 100, since: at(0)))
        // The supervisor's report of the stop it began leaves it an early stop, for the cycle to report.
        _ = scheduler.handle(.server(.stopping(pid: 100)), at: at(120))
        #expect(scheduler.server == .stoppingEarly(pid: 100, since: at(0)))
        _ = scheduler.handle(.server(.stopped(pid: 100)), at: at(150))
        #expect(scheduler.server == .stoppedEarly(pid: 100))
        _ = scheduler.handle(.server(.started(pid: 101)), at: at(160))
        #expect(scheduler.server == .starting(pid: 101))
    }

    @Test("a cycle that took over a cancelled one's change set counts save→ready from the save that started it")
    func supersedingCountsFromItsOwnSave() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(saved("/p/b.js"), at: at(150))
        _ = scheduler.handle(.debounceTimerFired, at: at(250))
        guard case .startCycle(3, .changes(let changes), _)? = scheduler.handle(.cycleFinished(2, .cancelled), at: at(300)).first else {
            Issue.record("no change cycle")
            return
        }
        #expect(changes.paths == ["/p/a.js", "/p/b.js"])
        #expect(changes.firstEventAt == at(150))
    }

    @Test("a typed restart that takes over a cycle's change set counts no save→ready: no save started it")
    func restartOfCarriedSetHasNoSave() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/src/a.ts"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.command(.restart), at: at(150))
        guard case .startCycle(3, .changes(let changes), _)? = scheduler.handle(.cycleFinished(2, .cancelled), at: at(200)).first else {
            Issue.record("no change cycle")
            return
        }
        #expect(changes.paths == ["/p/src/a.ts"])
        #expect(changes.firstEventAt == nil)
    }

    @Test("a change during a cycle that stops the server: the next plan is made from the state that stop left")
    func planFromStateAfterCancel() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.server(.stopping(pid: 100)), at: at(110))
        _ = scheduler.handle(saved("/p/b.js"), at: at(120))
        #expect(scheduler.handle(.debounceTimerFired, at: at(220)) == [.emit(.changeDuringCycle(2)), .cancelCycle])
        // Another burst before the cancelled cycle ended asks for no second cancel, and its change set joins.
        _ = scheduler.handle(saved("/p/c.js"), at: at(230))
        #expect(scheduler.handle(.debounceTimerFired, at: at(330)) == [.emit(.changeDuringCycle(3))])
        _ = scheduler.handle(.server(.exited(pid: 100, status: .signaled(SIGTERM), uptime: .seconds(1), lastLines: [])), at: at(340))
        _ = scheduler.handle(.server(.stopped(pid: 100)), at: at(350))
        let next = scheduler.handle(.cycleFinished(2, .cancelled), at: at(360))
        #expect(next.count == 1)
        guard case .startCycle(4, .changes(let changes), .notRunning)? = next.first else {
            Issue.record("not started from .notRunning: \(next)")
            return
        }
        #expect(changes.paths == ["/p/a.js", "/p/b.js", "/p/c.js"])
    }

    @Test("an exit during a stop was asked for; one while running is reported once, and a late report of an old pid is nothing")
    func exitJudgedByState() {
        var scheduler = idle()
        _ = scheduler.handle(.server(.stopping(pid: 100)), at: at(10))
        #expect(scheduler.handle(exited(100), at: at(20)) == [])
        _ = scheduler.handle(.server(.stopped(pid: 100)), at: at(30))
        _ = scheduler.handle(.server(.started(pid: 101)), at: at(40))
        #expect(scheduler.handle(exited(100), at: at(50)) == [])
        #expect(scheduler.handle(exited(101), at: at(60)).count == 1)
        #expect(scheduler.server == .exited(pid: 101, .exited(1)))
        #expect(scheduler.handle(exited(101), at: at(70)) == [])
    }

    @Test("no early stop when no server is up to stop (it crashed): the cycle then starts it")
    func noEarlyStopWithoutServer() {
        var scheduler = idle(.init(debounce: .milliseconds(100), onBusy: .restart, onCrash: .wait, stopsEarly: true))
        _ = scheduler.handle(exited(100), at: at(0))
        #expect(scheduler.handle(saved("/p/a.js"), at: at(10)) == [.wakeAt(at(110))])
        #expect(scheduler.handle(.debounceTimerFired, at: at(110)).last == .startCycle(2, .changes(ChangeSet(paths: ["/p/a.js"], firstEventAt: at(10))), server: .exited(pid: 100, .exited(1))))
    }

    @Test("on_busy = queue: a change during a cycle waits, then runs alone")
    func onBusyQueue() {
        var scheduler = idle(Self.settings(onBusy: .queue))
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(saved("/p/b.js"), at: at(150))
        let queued = scheduler.handle(.debounceTimerFired, at: at(250))
        #expect(queued == [.emit(.changeQueued(ChangeSet(paths: ["/p/b.js"], firstEventAt: at(150)), behind: 2, because: .onBusyQueue))])
        _ = scheduler.handle(saved("/p/c.js"), at: at(260))
        _ = scheduler.handle(.debounceTimerFired, at: at(360))
        let next = scheduler.handle(.cycleFinished(2, .completed), at: at(400))
        #expect(cycles(next).map(\.0) == [3])
        #expect(changedPaths(next) == ["/p/b.js", "/p/c.js"])
    }

    @Test("a failed stage keeps its change set for the next cycle, and save→ready counts from the fixing save")
    func stageFailureCarries() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/src/a.ts"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.cycleFinished(2, .stageFailed), at: at(200))
        _ = scheduler.handle(saved("/p/README.md"), at: at(1000))
        let effects = scheduler.handle(.debounceTimerFired, at: at(1100))
        guard case .changes(let changes)? = cycles(effects).first?.1 else {
            Issue.record("no change cycle: \(effects)")
            return
        }
        #expect(changes.paths == ["/p/src/a.ts", "/p/README.md"])
        #expect(changes.firstEventAt == at(1000))
    }

    @Test("a stage that failed while the other resources restarted keeps only the paths it ran for")
    func partlyAppliedCarriesItsPaths() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/src/core/a.ts", "/p/src/admin/b.ts"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.cycleFinished(2, .partlyApplied(retry: ["/p/src/core/a.ts"])), at: at(200))
        _ = scheduler.handle(saved("/p/src/chat/c.ts"), at: at(1000))
        let effects = scheduler.handle(.debounceTimerFired, at: at(1100))
        guard case .changes(let changes)? = cycles(effects).first?.1 else {
            Issue.record("no change cycle: \(effects)")
            return
        }
        #expect(changes.paths == ["/p/src/core/a.ts", "/p/src/chat/c.ts"])
        #expect(changes.firstEventAt == at(1000))
    }

    @Test("a completed cycle settles its change set: the next one has only its own")
    func completedClears() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.cycleFinished(2, .completed), at: at(200))
        _ = scheduler.handle(saved("/p/b.js"), at: at(300))
        #expect(changedPaths(scheduler.handle(.debounceTimerFired, at: at(400))) == ["/p/b.js"])
    }

    @Test("a server that exits by itself is reported; with on_crash = wait nothing restarts it")
    func crashWait() {
        var scheduler = idle()
        let effects = scheduler.handle(exited(100, uptime: .seconds(3), lines: ["boom"]), at: at(0))
        #expect(effects == [.emit(.serverExited(pid: 100, status: .exited(1), uptime: .seconds(3), lastLines: ["boom"], then: .waitForChange))])
        #expect(scheduler.handle(.crashTimerFired, at: at(10_000)) == [])
    }

    @Test("on_crash = restart: 0.5 s, 1 s, 2 s … backoff, then a crash cycle")
    func crashRestartBackoff() {
        var scheduler = idle(Self.settings(onCrash: .restart))
        var delays: [Duration] = []
        for round in 0..<4 {
            let pid = Int32(200 + round)
            let t = round * 10_000
            _ = scheduler.handle(.server(.started(pid: pid)), at: at(t))
            let effects = scheduler.handle(exited(pid, .signaled(SIGSEGV), uptime: .milliseconds(100)), at: at(t))
            for case .setCrashTimer(let delay) in effects { delays.append(delay) }
            // A timer that fires before the restart is due (one set for an earlier crash) does nothing.
            #expect(scheduler.handle(.crashTimerFired, at: at(t + 499)) == [])
            let restart = scheduler.handle(.crashTimerFired, at: at(t) + (delays.last ?? .zero))
            #expect(cycles(restart).first?.1 == .crashRestart)
            _ = scheduler.handle(.cycleFinished(round + 2, .completed), at: at(t + 9_000))
        }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4)])
    }

    @Test("a change before the crash timer fires cancels it: one cycle, not two")
    func changeCancelsCrashTimer() {
        var scheduler = idle(Self.settings(onCrash: .restart))
        _ = scheduler.handle(exited(100), at: at(0))
        _ = scheduler.handle(saved("/p/fix.js"), at: at(10))
        let effects = scheduler.handle(.debounceTimerFired, at: at(110))
        #expect(cycles(effects).count == 1)
        // The timer still fires; the restart is no longer due.
        #expect(scheduler.handle(.crashTimerFired, at: at(600)) == [])
    }

    @Test("a [server] change in a reloaded config restarts; other changes only take effect")
    func configApplied() {
        var scheduler = idle()
        let quiet = scheduler.handle(.configApplied(Self.settings(debounce: 300), restartServer: false), at: at(0))
        #expect(quiet == [])
        #expect(scheduler.handle(saved("/p/a.js"), at: at(10)) == [.wakeAt(at(310))])
        _ = scheduler.handle(.debounceTimerFired, at: at(310))
        _ = scheduler.handle(.cycleFinished(2, .completed), at: at(400))
        #expect(cycles(scheduler.handle(.configApplied(Self.settings(), restartServer: true), at: at(500))).first?.1 == .configChanged)
    }

    @Test(":r and a config change keep a change set whose stages have not run yet")
    func restartKeepsCarried() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/src/a.ts"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(.cycleFinished(2, .stageFailed), at: at(200))
        let manual = scheduler.handle(.command(.restart), at: at(300))
        #expect(manual.first == .emit(.notice(.loop(.restartCommand))))
        #expect(changedPaths(manual) == ["/p/src/a.ts"])
        _ = scheduler.handle(.cycleFinished(3, .stageFailed), at: at(400))
        #expect(changedPaths(scheduler.handle(.configApplied(Self.settings(), restartServer: true), at: at(500))) == ["/p/src/a.ts"])
    }

    @Test(":r with nothing carried is a manual restart; :rc asks for a reconnect and starts no cycle")
    func typedCommands() {
        var scheduler = idle()
        #expect(cycles(scheduler.handle(.command(.restart), at: at(0))).first?.1 == .manualRestart)
        let reconnect = scheduler.handle(.command(.reconnect), at: at(10))
        #expect(reconnect.contains(.reconnectClient))
        #expect(cycles(reconnect).isEmpty)
    }

    @Test(":q or a signal stops; afterwards only a second signal does anything, and it kills")
    func shutdown() {
        var scheduler = idle()
        let stop = scheduler.handle(.signal(SIGINT), at: at(0))
        #expect(stop.contains(.shutDown))
        #expect(stop.first == .emit(.stopping(.signal(SIGINT))))
        #expect(scheduler.state == .stopping)
        #expect(scheduler.handle(saved("/p/a.js"), at: at(10)) == [])
        #expect(scheduler.handle(.command(.restart), at: at(20)) == [])
        #expect(scheduler.handle(exited(100, .exited(0)), at: at(30)) == [])
        // The same stop sent twice at once (a supervisor's `timeout` signals the child and its group) is one.
        #expect(scheduler.handle(.signal(SIGTERM), at: at(40)) == [])
        #expect(scheduler.handle(.signal(SIGINT), at: at(140)).contains(.killNow))

        var typed = idle()
        #expect(typed.handle(.command(.quit), at: at(0)).contains(.shutDown))
    }

    @Test("a queued change set is dropped when altv-dev stops")
    func queueDroppedOnStop() {
        var scheduler = idle(Self.settings(onBusy: .queue))
        _ = scheduler.handle(saved("/p/a.js"), at: at(0))
        _ = scheduler.handle(.debounceTimerFired, at: at(100))
        _ = scheduler.handle(saved("/p/b.js"), at: at(150))
        _ = scheduler.handle(.debounceTimerFired, at: at(250))
        _ = scheduler.handle(.signal(SIGTERM), at: at(260))
        #expect(scheduler.handle(.cycleFinished(2, .cancelled), at: at(300)) == [])
    }

    @Test("a build that restarts itself: the fourth self-made cycle is refused; another change starts cycles again")
    func feedbackLoop() {
        var scheduler = idle()
        let gen = [FileEvent(path: "/p/gen.js", kind: .modified)]
        _ = scheduler.handle(saved("/p/src/a.ts"), at: at(0))
        var number = cycles(scheduler.handle(.debounceTimerFired, at: at(100))).first?.0 ?? 0
        // Each cycle's stage writes gen.js into the watched tree, which starts the next cycle.
        for round in 1...StageFeedbackGuard.limit {
            let t = round * 1000
            _ = scheduler.handle(.filesChanged(gen, duringStages: ["build"]), at: at(t))
            _ = scheduler.handle(.cycleFinished(number, .completed), at: at(t + 10))
            let next = cycles(scheduler.handle(.debounceTimerFired, at: at(t + 100)))
            #expect(next.count == 1, "self-made cycle \(round) still runs")
            number = next.first?.0 ?? number
        }
        _ = scheduler.handle(.filesChanged(gen, duringStages: ["build"]), at: at(9000))
        _ = scheduler.handle(.cycleFinished(number, .completed), at: at(9010))
        let refused = scheduler.handle(.debounceTimerFired, at: at(9100))
        guard case .emit(.loopStopped(.loop(let paths, let stages, _, _)))? = refused.first else {
            Issue.record("not refused: \(refused)")
            return
        }
        #expect(paths == ["/p/gen.js"])
        #expect(stages == ["build"])
        #expect(cycles(refused).isEmpty)
        _ = scheduler.handle(saved("/p/src/a.ts"), at: at(10_000))
        #expect(cycles(scheduler.handle(.debounceTimerFired, at: at(10_100))).count == 1)
    }

    @Test("with no stages and a full restart, the stop begins at a burst's first event and the start waits for quiet")
    func stopsEarly() {
        var settings = Self.settings()
        settings.stopsEarly = true
        var scheduler = idle(settings)
        #expect(scheduler.handle(saved("/p/a.js"), at: at(10)) == [.stopServerEarly(pid: 100), .wakeAt(at(110))])
        // Once per burst.
        #expect(scheduler.handle(saved("/p/b.js"), at: at(50)) == [])
        #expect(scheduler.handle(.debounceTimerFired, at: at(110)) == [.wakeAt(at(150))])
        let effects = scheduler.handle(.debounceTimerFired, at: at(150))
        #expect(changedPaths(effects) == ["/p/a.js", "/p/b.js"])
        // The next burst stops the next server early again.
        for report in [ServerReport.stopped(pid: 100), .started(pid: 101), .ready(pid: 101)] { _ = scheduler.handle(.server(report), at: at(190)) }
        _ = scheduler.handle(.cycleFinished(2, .completed), at: at(200))
        #expect(scheduler.handle(saved("/p/a.js"), at: at(300)).first == .stopServerEarly(pid: 101))
    }

    @Test("an early stop is never asked for while a cycle runs, or without the setting")
    func stopsEarlyOnlyWhenIdle() {
        var settings = Self.settings()
        settings.stopsEarly = true
        var busy = CycleScheduler(settings: settings)
        _ = busy.handle(.started, at: at(0))
        #expect(busy.handle(saved("/p/a.js"), at: at(10)) == [.wakeAt(at(110))])
        var plain = idle()
        #expect(plain.handle(saved("/p/a.js"), at: at(10)) == [.wakeAt(at(110))])
    }

    @Test("a created file does not stop early: created and removed again is a net no-op, no restart; a real change beside it stops early at its event")
    func stopsEarlyNetNoOp() {
        var settings = Self.settings()
        settings.stopsEarly = true
        var scheduler = idle(settings)
        #expect(scheduler.handle(.filesChanged([FileEvent(path: "/p/x.tmp", kind: .created)], duringStages: []), at: at(0)) == [.wakeAt(at(100))])
        #expect(scheduler.handle(.filesChanged([FileEvent(path: "/p/x.tmp", kind: .modified)], duringStages: []), at: at(2)) == [])
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/x.tmp", kind: .removed)], duringStages: []), at: at(5))
        #expect(scheduler.handle(.debounceTimerFired, at: at(100)) == [.wakeAt(at(105))])
        #expect(scheduler.handle(.debounceTimerFired, at: at(105)) == [])
        // A file that existed: the stop begins at its event, even late in the burst.
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/n.js", kind: .created)], duringStages: []), at: at(150))
        #expect(scheduler.handle(saved("/p/a.js"), at: at(160)) == [.stopServerEarly(pid: 100)])
        #expect(cycles(scheduler.handle(.debounceTimerFired, at: at(260))).map(\.0) == [2])
        // With a real change beside them, net no-ops are left out as ever.
        _ = scheduler.handle(.cycleFinished(2, .completed), at: at(270))
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/y.tmp", kind: .created)], duringStages: []), at: at(300))
        _ = scheduler.handle(.filesChanged([FileEvent(path: "/p/y.tmp", kind: .removed)], duringStages: []), at: at(301))
        _ = scheduler.handle(saved("/p/a.js"), at: at(302))
        #expect(changedPaths(scheduler.handle(.debounceTimerFired, at: at(402))) == ["/p/a.js"])
    }

    @Test("the early stop is chosen from the config: no stages and on_change = restart")
    func stopsEarlyFromConfig() throws {
        let settings = { (server: String, stage: String) throws in
            let source = "[server]\ncommand = [\"s\"]\n\(server)[watch]\npaths = [\"r\"]\n\(stage)"
            return CycleScheduler.Settings(try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml"))
        }
        #expect(try settings("", "").stopsEarly)
        #expect(try !settings("on_change = \"restart-resources\"\n", "").stopsEarly)
        #expect(try !settings("", "[[stage]]\nname = \"build\"\ncommand = \"true\"\n").stopsEarly)
    }

    @Test("the config file: saves are quiet for the debounce before one read; gone is said; nothing while stopping")
    func configFileDebounce() {
        var scheduler = CycleScheduler(settings: .init(debounce: .milliseconds(100), onBusy: .restart, onCrash: .wait, configFile: "/p/altv-dev.toml"))
        #expect(scheduler.handle(.configFileChanged(.removed), at: at(0)) == [.emit(.notice(.watch(.configFileGone("/p/altv-dev.toml")))), .wakeForConfigAt(at(100))])
        #expect(scheduler.handle(.configFileChanged(.created), at: at(50)) == [])
        #expect(scheduler.handle(.configTimerFired, at: at(100)) == [.wakeForConfigAt(at(150))])
        #expect(scheduler.handle(.configTimerFired, at: at(150)) == [.reloadConfig])
        #expect(scheduler.handle(.configTimerFired, at: at(300)) == [])
        _ = scheduler.handle(.command(.quit), at: at(400))
        #expect(scheduler.handle(.configFileChanged(.modified), at: at(410)) == [])
    }

    @Test("typed lines: :help and unknown commands are said, others go to the server's console; nothing while stopping")
    func typedLines() {
        var scheduler = idle()
        #expect(scheduler.handle(.command(.help), at: at(0)) == [.emit(.notice(.loop(.help)))])
        #expect(scheduler.handle(.command(.unknown(":x")), at: at(0)) == [.emit(.notice(.loop(.unknownCommand(":x"))))])
        #expect(scheduler.handle(.command(.server("restart core")), at: at(0)) == [.sendToConsole("restart core")])
        _ = scheduler.handle(.signal(SIGTERM), at: at(10))
        #expect(scheduler.handle(.command(.server("restart core")), at: at(20)) == [])
        #expect(scheduler.handle(.command(.help), at: at(20)) == [])
    }

    @Test("the server's own writes are those before its ready line: the same file saved at each ready, again and again, is never a loop")
    func savesAfterReadyAreTheUsers() {
        var scheduler = idle()
        _ = scheduler.handle(saved("/p/resources/core/a.js"), at: at(900))
        var number = cycles(scheduler.handle(.debounceTimerFired, at: at(1000))).first?.0 ?? 0
        for round in 0..<8 {
            let t = 1000 * (round + 1)
            let pid = Int32(300 + round)
            _ = scheduler.handle(.cycleCommitted(number), at: at(t + 10))
            _ = scheduler.handle(.server(.started(pid: pid)), at: at(t + 20))
            _ = scheduler.handle(.server(.ready(pid: pid)), at: at(t + 200))
            // Saved on seeing the server ready, while the cycle settles: queued behind it.
            _ = scheduler.handle(saved("/p/resources/core/a.js"), at: at(t + 300))
            _ = scheduler.handle(.debounceTimerFired, at: at(t + 400))
            let next = cycles(scheduler.handle(.cycleFinished(number, .completed), at: at(t + 450)))
            #expect(next.count == 1, "round \(round)")
            number = next.first?.0 ?? number
        }
    }
}
