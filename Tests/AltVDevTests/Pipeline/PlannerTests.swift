import Testing

@testable import AltVDev

@Suite("Planner")
struct PlannerTests {
    func config(reconnect: Bool) throws -> Config {
        try ConfigLoader.parse(
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconnect]\nenabled = \(reconnect)\n",
            file: "/p/altv-dev.toml")
    }

    @Test("a change with a running server: stop, start, ready, reconnect")
    func restart() throws {
        let plan = Planner.plan(for: .changes(ChangeSet(paths: ["/p/r/a.js"])), config: try config(reconnect: true), server: .running(pid: 100))
        #expect(plan.actions == [.stopServer, .startServer, .awaitReady, .reconnectClient])
    }

    @Test("no server running: nothing to stop; reconnect off: no reconnect")
    func start() throws {
        let plan = Planner.plan(for: .initialStart, config: try config(reconnect: false), server: .notRunning)
        #expect(plan.actions == [.startServer, .awaitReady])
    }
}
