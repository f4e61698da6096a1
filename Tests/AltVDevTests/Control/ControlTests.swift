import Glibc
import TestSupport
import Testing

@testable import AltVDev

@Suite("Control socket: requests, state, paths")
struct ControlTests {
    func parse(_ text: String) -> Result<ControlRequest, ControlError> { ControlRequest.parse(Array(text.utf8)) }

    @Test("each command's line parses back to itself; wait defaults to ready")
    func roundTrip() throws {
        let requests: [ControlRequest] = [.restart, .reconnect, .quit, .status, .restartResource("core"), .wait(.idle), .wait(.ready)]
        for request in requests {
            #expect(try parse(request.line.trimmingWhitespace()).get() == request)
        }
        #expect(try parse(#"{"command":"wait"}"#).get() == .wait(.ready))
        #expect(try parse(#"{"command":"status","extra":[1,2]}"#).get() == .status)
    }

    @Test("what is refused says why: not JSON, an unknown command (with the near one), a missing or untypable resource, a bad wait")
    func refusals() {
        func error(_ text: String) -> String? {
            if case .failure(let error) = parse(text) { return error.message }
            return nil
        }
        #expect(error("status")?.hasPrefix("expected one JSON object with a \"command\"") == true)
        #expect(error(#"{"command":"restrat"}"#)?.contains("did you mean restart?") == true)
        #expect(error(#"{"command":"restart-resource"}"#)?.hasPrefix("restart-resource needs \"resource\"") == true)
        #expect(error(#"{"command":"restart-resource","resource":"a b"}"#) != nil)
        #expect(error(#"{"command":"restart-resource","resource":"a\nrestart b"}"#) != nil)
        #expect(error(#"{"command":"wait","for":"soon"}"#) == "wait \"for\" is one of ready, idle")
        #expect(error(String(repeating: " ", count: ControlRequest.lineLimit + 1)) == "a request line is at most 4096 bytes")
        let refused = ControlError("x").answer.text
        #expect(refused == #"{"ok":false,"error":"x"}"#)
    }

    @Test("fuzzed request lines are parsed or refused, never a crash")
    func fuzz() async {
        let seed = Array(#"{"command":"restart-resource","resource":"core","for":"idle"}"#.utf8)
        var random = SeededRandom(seed: 20_261_203)
        var refused = 0
        for index in 0..<20000 {
            if index % 500 == 0 { await Task.yield() }  // a core of the 2-thread pool is not ours alone
            if case .failure = ControlRequest.parse(ByteMutator.mutate(seed, using: &random)) { refused += 1 }
        }
        #expect(refused > 1000)
    }

    @Test("the state follows the events: phase, cycle, the server's pid, ready, the last verdict")
    func state() async {
        let state = ControlState()
        let now = ContinuousClock.now
        func field(_ name: String) -> JSONValue? {
            if case .object(let members) = state.status(at: now) { return members.first { $0.0 == name }?.1 }
            return nil
        }
        #expect(field("phase") == .string("idle") && field("cycle") == .null && field("ready") == .bool(false))
        state.apply(.cycleStarted(cycle: 1, trigger: .initialStart, plan: nil), at: now)
        state.apply(.phase(cycle: 1, .waitingForReady), at: now)
        state.apply(.serverStarted(cycle: 1, pid: 42), at: now)
        #expect(field("phase") == .string("waiting-for-ready") && field("cycle") == .int(1) && field("server_pid") == .int(42))
        state.apply(.serverReady(cycle: 1, pid: 42, after: .milliseconds(600)), at: now)
        state.apply(.cycleFinished(cycle: 1, outcome: .completed, report: CycleReport(number: 1, trigger: "start")), at: now)
        #expect(field("phase") == .string("idle") && field("ready") == .bool(true) && field("last_cycle") == .int(1))
        #expect(field("last").map { if case .string(let text) = $0 { text.hasPrefix("✓ #1") } else { false } } == true)
        state.apply(.serverStopped(cycle: 2, pid: 42, duration: .zero, killed: false), at: now)
        #expect(field("server_pid") == .null && field("ready") == .bool(false))
        state.apply(.stopping(.quit), at: now)
        #expect(field("phase") == .string("quitting"))
    }

    @Test("wait answers when its condition holds; a command's answer names the cycle it started, one taken before it was sent")
    func waiting() async {
        let state = ControlState()
        #expect(await state.wait(for: .idle))
        state.apply(.cycleStarted(cycle: 1, trigger: .initialStart, plan: nil))
        let before = state.lastCycle
        async let ready = state.wait(for: .ready)
        async let next = state.nextCycle(after: before, within: .seconds(30))
        // Started before the waiter may even be queued: it is still seen.
        state.apply(.cycleStarted(cycle: 2, trigger: .manualRestart, plan: nil))
        #expect(await next == 2)
        state.apply(.serverReady(cycle: 2, pid: 7, after: .zero))
        state.apply(.cycleFinished(cycle: 2, outcome: .completed, report: CycleReport(number: 2, trigger: ":r")))
        #expect(await ready)
        #expect(await state.nextCycle(after: 2, within: .milliseconds(20)) == nil)
        async let quitting = state.wait(for: .idle)
        state.apply(.cycleStarted(cycle: 3, trigger: .manualRestart, plan: nil))
        state.apply(.stopping(.quit))
        #expect(await quitting == false)
    }

    @Test("the socket's path: under XDG_RUNTIME_DIR, else a folder of the user's own in the temp folder; one per config; short enough for the kernel")
    func paths() {
        let a = ControlSocketPath.path(for: "/p/altv-dev.toml", environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], uid: 1000)
        #expect(a.hasPrefix("/run/user/1000/altv-dev/") && a.hasSuffix(".sock"))
        #expect(a != ControlSocketPath.path(for: "/q/altv-dev.toml", environment: ["XDG_RUNTIME_DIR": "/run/user/1000"], uid: 1000))
        #expect(ControlSocketPath.path(for: "/p/altv-dev.toml", environment: ["TMPDIR": "/var/tmp"], uid: 1000).hasPrefix("/var/tmp/altv-dev-1000/"))
        #expect(ControlSocketPath.path(for: "/p/altv-dev.toml", environment: [:], uid: 5).hasPrefix("/tmp/altv-dev-5/"))
        let long = ControlSocketPath.path(for: "/p/altv-dev.toml", environment: ["XDG_RUNTIME_DIR": "/" + String(repeating: "x", count: 120)], uid: 5)
        #expect(long.hasPrefix("/tmp/altv-dev-5/") && long.utf8.count <= 107)
    }

    @Test("only this user or root is served")
    func peers() {
        #expect(ControlSocket.isTrusted(peer: 1000, own: 1000) && ControlSocket.isTrusted(peer: 0, own: 1000))
        #expect(!ControlSocket.isTrusted(peer: 1001, own: 1000) && !ControlSocket.isTrusted(peer: -1, own: 1000))
    }

    @Test("send restart-resource NAME: through the console when the server takes commands, else the whole server")
    func resourceRestartPlan() throws {
        let config = try ConfigLoader.parse(source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconnect]\nenabled = false\n", file: "/p/altv-dev.toml")
        let running = Planner.plan(for: .resourceRestart(["core"]), config: config, server: .running(pid: 9), graph: ResourceGraph())
        #expect(running.actions == [.restartResources(["core"])] && running.fallback == [.stopServer, .startServer, .awaitReady])
        let stopped = Planner.plan(for: .resourceRestart(["core"]), config: config, server: .notRunning, graph: ResourceGraph())
        #expect(stopped.actions == [.startServer, .awaitReady] && stopped.fullRestartReason == .serverNotRunning)
    }

    @Test("rs alone is :r, as in nodemon; rs with more goes to the server")
    func nodemonRestart() {
        #expect(ConsoleCommand(line: " rs ") == .restart)
        #expect(ConsoleCommand(line: "rs core") == .server("rs core"))
    }
}
