import Glibc
import Testing

@testable import AltVDev

@Suite("Server state")
struct ServerStateTests {
    let t0 = ContinuousClock.now

    @Test("start, ready, stop, exit, stopped: the exit was asked for")
    func expectedExit() {
        var state = ServerState.notRunning
        #expect(!state.needsStop)
        let unexpected1 = state.apply(.started(pid: 7), at: t0)
        #expect(!unexpected1)
        #expect(state == .starting(pid: 7))
        #expect(state.takesConsoleCommands)
        state.apply(.ready(pid: 7), at: t0)
        #expect(state == .running(pid: 7))
        state.apply(.stopping(pid: 7), at: t0 + .seconds(1))
        #expect(state == .stopping(pid: 7, since: t0 + .seconds(1)))
        #expect(!state.takesConsoleCommands)
        #expect(state.needsStop)
        let unexpected2 = state.apply(.exited(pid: 7, status: .signaled(SIGINT), uptime: .seconds(1), lastLines: []), at: t0 + .seconds(2))
        #expect(!unexpected2)
        #expect(state == .stopping(pid: 7, since: t0 + .seconds(1)))
        state.apply(.stopped(pid: 7), at: t0 + .seconds(2))
        #expect(state == .notRunning)
    }

    @Test("an exit nobody asked for, before or after ready, is unexpected; the group is still to stop")
    func unexpectedExit() {
        var state = ServerState.notRunning
        state.apply(.started(pid: 1), at: t0)
        let unexpected3 = state.apply(.exited(pid: 1, status: .signaled(SIGABRT), uptime: .zero, lastLines: []), at: t0)
        #expect(unexpected3)
        #expect(state == .exited(pid: 1, .signaled(SIGABRT)))
        #expect(state.needsStop)
        #expect(!state.takesConsoleCommands)
        state.apply(.started(pid: 2), at: t0)
        state.apply(.ready(pid: 2), at: t0)
        let unexpected4 = state.apply(.exited(pid: 2, status: .exited(1), uptime: .seconds(5), lastLines: []), at: t0)
        #expect(unexpected4)
        // The stop of an exited server tears its group down.
        state.apply(.stopping(pid: 2), at: t0)
        #expect(state == .stopping(pid: 2, since: t0))
    }

    @Test("reports about another pid are late and change nothing; a stop keeps the instant it began")
    func lateReports() {
        var state = ServerState.running(pid: 3)
        state.apply(.ready(pid: 2), at: t0)
        state.apply(.stopping(pid: 2), at: t0)
        state.apply(.stopped(pid: 2), at: t0)
        let unexpected5 = state.apply(.exited(pid: 2, status: .exited(0), uptime: .zero, lastLines: []), at: t0)
        #expect(!unexpected5)
        #expect(state == .running(pid: 3))
        state.beginEarlyStop(of: 3, at: t0)
        state.beginEarlyStop(of: 3, at: t0 + .seconds(1))
        state.apply(.stopping(pid: 3), at: t0 + .seconds(2))
        #expect(state == .stoppingEarly(pid: 3, since: t0))
        state.apply(.ready(pid: 3), at: t0)
        #expect(state == .stoppingEarly(pid: 3, since: t0))
    }

    @Test("an early stop stays one until a cycle's start: down already, and its stop still to be reported")
    func earlyStop() {
        var state = ServerState.exited(pid: 4, .exited(1))
        state.beginEarlyStop(of: 4, at: t0)
        #expect(state == .exited(pid: 4, .exited(1)), "only a server that takes commands is stopped early")
        state = .running(pid: 5)
        state.beginEarlyStop(of: 5, at: t0)
        #expect(state.stoppedForTheChange)
        state.apply(.exited(pid: 5, status: .signaled(SIGINT), uptime: .seconds(1), lastLines: []), at: t0)
        state.apply(.stopped(pid: 5), at: t0)
        #expect(state == .stoppedEarly(pid: 5))
        #expect(state.needsStop)
        #expect(!state.takesConsoleCommands)
        state.apply(.started(pid: 6), at: t0)
        #expect(state == .starting(pid: 6))
        #expect(!state.stoppedForTheChange)
    }
}
