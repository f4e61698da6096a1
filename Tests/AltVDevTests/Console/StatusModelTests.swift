import Testing

@testable import AltVDev

@Suite("Status line wording on a manual clock")
struct StatusModelTests {
    let start = ContinuousClock.now
    func at(_ ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }

    @Test("busy: the cycle, the phase in words and its timer in tenths")
    func busy() {
        var model = StatusModel()
        #expect(model.text(at: at(0), width: 80) == "watching")
        model.apply(.cycleStarted(cycle: 12, trigger: .initialStart, plan: nil), at: at(0))
        model.apply(.phase(cycle: 12, .building(["core"])), at: at(0))
        #expect(model.text(at: at(1234), width: 80) == "#12 running core 1.2s")
        model.apply(.phase(cycle: 12, .waitingForReady), at: at(2000))
        #expect(model.text(at: at(5400), width: 80) == "#12 waiting for ready 3.4s")
        model.apply(.phase(cycle: 12, .restartingResources(["chat"])), at: at(6000))
        #expect(model.text(at: at(6000), width: 80) == "#12 restarting resource chat 0.0s")
        #expect(model.isBusy)
    }

    @Test("idle: the last result, ✓ with save→ready or ✗ with the stage that failed")
    func idle() {
        var model = StatusModel()
        var report = CycleReport(number: 12, trigger: "x")
        report.saveToReady = .milliseconds(745)
        model.apply(.cycleStarted(cycle: 12, trigger: .initialStart, plan: nil), at: at(0))
        model.apply(.cycleFinished(cycle: 12, outcome: .completed, report: report), at: at(900))
        #expect(model.text(at: at(5000), width: 80) == "watching · ✓ #12 745ms")
        #expect(!model.isBusy)

        model.apply(.cycleStarted(cycle: 13, trigger: .initialStart, plan: nil), at: at(6000))
        model.apply(.stageFinished(cycle: 13, result: StageResult(name: "build-core", duration: .seconds(1), outcome: .failed(.exited(2)))), at: at(7000))
        var failed = CycleReport(number: 13, trigger: "x")
        failed.result = .failed(.stageFailed("build-core", server: .keepsRunning))
        model.apply(.cycleFinished(cycle: 13, outcome: .stageFailed, report: failed), at: at(7000))
        #expect(model.text(at: at(8000), width: 80) == "watching · ✗ #13 build-core failed")
    }

    @Test("a cancelled cycle leaves the last result as it was; events of another cycle change nothing")
    func cancelled() {
        var model = StatusModel()
        model.apply(.cycleStarted(cycle: 2, trigger: .initialStart, plan: nil), at: at(0))
        model.apply(.phase(cycle: 1, .stopping), at: at(10))
        #expect(model.text(at: at(10), width: 80) == "#2 starting a cycle")
        model.apply(.cycleFinished(cycle: 2, outcome: .cancelled, report: CycleReport(number: 2, trigger: "x")), at: at(20))
        #expect(model.text(at: at(30), width: 80) == "watching")
    }

    @Test("stopping: what altv-dev waits for, in place of the last result, with the SIGKILL's countdown for a service that ignores its signal")
    func stopping() {
        var model = StatusModel()
        var report = CycleReport(number: 3, trigger: "x")
        report.saveToReady = .milliseconds(745)
        model.apply(.cycleStarted(cycle: 3, trigger: .initialStart, plan: nil), at: at(0))
        model.apply(.cycleFinished(cycle: 3, outcome: .completed, report: report), at: at(900))
        model.apply(.stopping(.signal(2)), at: at(1000))
        #expect(model.isBusy)
        #expect(model.text(at: at(1300), width: 80) == "stopping: the server 0.3s")
        model.apply(.notice(.process(.serverStoppedAtExit(.milliseconds(400)))), at: at(1400))
        #expect(model.text(at: at(1400), width: 80) == "stopping: services 0.0s")
        model.apply(.notice(.service(.stillStopping(name: "web", signal: "SIGTERM", timeout: .seconds(10)))), at: at(2400))
        #expect(model.text(at: at(4400), width: 80) == "stopping: service web, which ignores SIGTERM · SIGKILL in 7.0s")
        model.apply(.notice(.service(.stopped(name: "web", after: .seconds(10)))), at: at(11400))
        #expect(model.text(at: at(11400), width: 80) == "stopping: services 0.0s")
    }

    @Test("a service slow to stop while altv-dev goes on (its settings changed) leaves the line as it was")
    func serviceStopWhileRunning() {
        var model = StatusModel()
        model.apply(.notice(.service(.stillStopping(name: "web", signal: "SIGTERM", timeout: .seconds(10)))), at: at(0))
        #expect(model.text(at: at(100), width: 80) == "watching")
        #expect(!model.isBusy)
    }

    @Test("cut to the width with an ellipsis, one column left free so the terminal never wraps it")
    func width() {
        var model = StatusModel()
        model.apply(.cycleStarted(cycle: 7, trigger: .initialStart, plan: nil), at: at(0))
        model.apply(.phase(cycle: 7, .waitingForReady), at: at(0))
        #expect(model.text(at: at(0), width: 12) == "#7 waiting…")
        #expect(model.text(at: at(0), width: 12).count == 11)
        #expect(model.text(at: at(0), width: 1) == "")
    }
}
