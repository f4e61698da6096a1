import Glibc
import Testing

@testable import AltVDev

@Suite("Server lifecycle state machine")
struct ServerLifecycleTests {
    @Test("start, stop, exit: the exit was asked for")
    func expectedExit() {
        var machine = ServerLifecycle()
        machine.started(run: 1)
        #expect(machine.state == .running(run: 1))
        #expect(machine.isRunning)
        #expect(machine.stopRequested() == .beginTeardown(run: 1))
        #expect(machine.state == .stopping(run: 1))
        #expect(machine.exited(run: 1, status: .exited(0)) == .none)
        machine.stopped()
        #expect(machine.state == .idle)
    }

    @Test("an exit nobody asked for is reported, during start or after ready")
    func unexpectedExit() {
        var machine = ServerLifecycle()
        machine.started(run: 1)
        #expect(machine.exited(run: 1, status: .signaled(SIGABRT)) == .reportUnexpectedExit(.signaled(SIGABRT)))
        #expect(!machine.isRunning)
        machine.started(run: 2)
        #expect(machine.exited(run: 2, status: .exited(1)) == .reportUnexpectedExit(.exited(1)))
        #expect(machine.state == .exited(run: 2, status: .exited(1)))
    }

    @Test("a stale run's events change nothing")
    func staleRun() {
        var machine = ServerLifecycle()
        machine.started(run: 2)
        #expect(machine.exited(run: 1, status: .exited(0)) == .none)
        #expect(machine.state == .running(run: 2))
    }

    @Test("after an exit, a stop still tears the group down: children may live on")
    func stopAfterExit() {
        var machine = ServerLifecycle()
        machine.started(run: 1)
        _ = machine.exited(run: 1, status: .exited(1))
        #expect(machine.stopRequested() == .beginTeardown(run: 1))
        #expect(machine.stopRequested() == .none)
    }

    @Test("the graceful teardown is signal, wait, SIGKILL, wait")
    func teardownSteps() {
        let teardown = Teardown.graceful(signal: SIGINT, timeout: .seconds(10))
        #expect(
            teardown.steps == [.signal(SIGINT), .waitForGroupExit(.seconds(10)), .signal(SIGKILL), .waitForGroupExit(.seconds(5))])
    }

    @Test("exit statuses read like a shell's")
    func exitStatus() {
        #expect(ExitStatus(waitStatus: 1 << 8) == .exited(1))
        #expect(ExitStatus(waitStatus: SIGKILL) == .signaled(SIGKILL))
        #expect(ExitStatus.signaled(SIGKILL).description == "killed by SIGKILL")
    }
}
