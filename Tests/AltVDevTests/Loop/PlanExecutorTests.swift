import Testing

@testable import AltVDev

@Suite("Plan executor against fakes")
struct PlanExecutorTests {
    static let source = """
        [server]
        command = ["altv-server"]
        ready_timeout = "2s"
        [watch]
        paths = ["src", "resources"]
        [[stage]]
        name = "build"
        command = "make"
        when = ["src/**"]
        """

    static func config(_ source: String = source) throws -> Config {
        try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml")
    }

    let log = CallLog()
    let events = EventRecorder()

    func executor(
        server: FakeServer, stages: FakeStages? = nil, client: FakeClient? = nil, commit: @escaping @Sendable (Int) async -> Void = { _ in }
    ) -> PlanExecutor {
        PlanExecutor(
            server: server, stages: stages ?? FakeStages(log: log), services: nil, client: client ?? FakeClient(log: log, emit: events.emit),
            emit: events.emit, commit: commit)
    }

    func plan(_ paths: [String], config: Config, running: Bool = true) -> Plan {
        Planner.plan(for: .changes(ChangeSet(paths: paths, firstEventAt: .now)), config: config, server: running ? .running(pid: 100) : .notRunning)
    }

    @Test("a change: stages, stop, start, ready, each said as an event, the verdict at ready; the reconnect after it, on its own")
    func fullRestart() async throws {
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let client = FakeClient(log: log, delay: .seconds(1), emit: events.emit)
        let outcome = await executor(server: server, client: client).run(plan(["/p/src/a.ts"], config: try Self.config()), cycle: 2, trigger: "src/a.ts")
        #expect(outcome == .completed)
        #expect(log.all == ["stages build", "stop 100", "start 200", "reconnect"])
        // The cycle ended before the client answered: its verdict does not wait for the game.
        #expect(events.names == ["stage.started", "stage.finished", "server.stopped", "server.started", "server.ready", "cycle.finished"])
        let line = try #require(events.report).line
        #expect(line.hasPrefix("✓ #2 src/a.ts · build 5ms · stop 30ms · start→ready 40ms · save→ready"))
        await client.backgroundFinished()
        #expect(events.names.last == "client.reconnected")
        guard case .clientReconnected(2, "IN_GAME", _)? = events.all.last else {
            Issue.record("last event: \(String(describing: events.all.last))")
            return
        }
    }

    @Test("the executor commits the cycle before it starts the server, once, and not before a failed stage")
    func commitsBeforeStart() async throws {
        let commits = CallLog()
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        _ = await executor(server: server, commit: { commits.add("commit \($0) after \(self.log.all.last ?? "")") })
            .run(plan(["/p/src/a.ts"], config: try Self.config()), cycle: 5, trigger: "x")
        #expect(commits.all == ["commit 5 after stop 100"])
        let failing = CallLog()
        _ = await executor(server: FakeServer(log: log), stages: FakeStages(log: log, failing: ["build"]), commit: { failing.add("commit \($0)") })
            .run(plan(["/p/src/a.ts"], config: try Self.config()), cycle: 6, trigger: "x")
        #expect(failing.all.isEmpty)
    }

    @Test("resources that failed to load at start: the server runs, the cycle is failed, each resource said with its lines")
    func failedAtStart() async throws {
        let server = FakeServer(log: log, next: [FakeInstance(pid: 300, failedResources: ["core"])])
        _ = await executor(server: server).run(plan(["/p/README.md"], config: try Self.config(), running: false), cycle: 1, trigger: "x")
        #expect(events.all.contains(.resourceFailed(cycle: 1, FailedResource(name: "core", lines: ["Error: boom in core"]))))
        let report = try #require(events.report)
        #expect(report.failedResources == ["core"])
        #expect(report.line.hasPrefix("✗ #1 x · start→ready 40ms · save→ready "))
        #expect(report.line.hasSuffix(" · failed to load resource core · the server runs without it; a save that fixes it loads it again"))
        #expect(await server.isRunning())
        let finished = try #require(events.all.compactMap { EventRecord.json($0, time: "t", directory: "/p") }.first { $0.text.contains("cycle.finished") })
        #expect(finished.text.contains("\"result\":\"failed\""))
        #expect(finished.text.contains("\"failed_resources\":[\"core\"]"))
    }

    @Test("a failed stage ends the cycle: the running server is never stopped")
    func stageFailureKeepsServer() async throws {
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let stages = FakeStages(log: log, failing: ["build"])
        let outcome = await executor(server: server, stages: stages).run(plan(["/p/src/a.ts"], config: try Self.config()), cycle: 2, trigger: "x")
        #expect(outcome == .stageFailed)
        #expect(log.all == ["stages build"])
        #expect(await server.isRunning())
        #expect(events.report?.result == .failed(.stageFailed("build", server: .keepsRunning)))
        #expect(events.report?.line.hasSuffix("build failed; the running server keeps running; the next change tries again") == true)
    }

    @Test("a failed stage after the early stop says the server is down, not that it keeps running")
    func stageFailureAfterEarlyStop() async throws {
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let stages = FakeStages(log: log, failing: ["build"])
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/src/a.ts"])), config: try Self.config(), server: .stoppedEarly(pid: 100))
        #expect(plan.actions.contains(.stopServer))
        let outcome = await executor(server: server, stages: stages).run(plan, cycle: 2, trigger: "x")
        #expect(outcome == .stageFailed)
        #expect(events.report?.result == .failed(.stageFailed("build", server: .stoppedForTheChange)))
        #expect(events.report?.line.hasSuffix("build failed; the server was stopped when the change came and was not started again; the next change tries again") == true)
    }

    @Test("a plan keeps the stages and settings it was made from, whatever the config says while it runs")
    func selfContainedPlan() async throws {
        let gate = Latch<Void>()
        let stages = FakeStages(log: log, gate: gate)
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        var config = try Self.config()
        let plan = plan(["/p/src/a.ts"], config: config)
        let running = Task { await executor(server: server, stages: stages).run(plan, cycle: 2, trigger: "x") }
        // While the stage runs, the config is saved: the stage renamed, the ready timeout changed.
        config = try Self.config(Self.source.replacingOccurrences(of: "\"build\"", with: "\"compile\"").replacingOccurrences(of: "2s", with: "9s"))
        #expect(config.stages.map(\.name) == ["compile"])
        gate.fulfill(())
        #expect(await running.value == .completed)
        #expect(stages.ran.withLock { $0.map(\.name) } == ["build"])
        #expect(await server.startedWith.map(\.readyTimeout) == [.seconds(2)])
    }

    @Test("restart-resources: the resources typed, no stop and no reconnect")
    func resourceRestart() async throws {
        let config = try Self.config(Self.source.replacingOccurrences(of: "ready_timeout", with: "on_change = \"restart-resources\"\nready_timeout"))
        let map = ResourceMap(resourcesDir: "/p/resources") { $0 == "/p/resources/chat" }
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/resources/chat/a.js"])), config: config, server: .running(pid: 100), resources: map)
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        #expect(await executor(server: server).run(plan, cycle: 3, trigger: "x") == .completed)
        #expect(log.all == ["restart chat"])
        #expect(events.names == ["resources.restarted", "cycle.finished"])
    }

    @Test("a resource restart that fails falls back to a full restart")
    func resourceRestartFallback() async throws {
        let config = try Self.config(Self.source.replacingOccurrences(of: "ready_timeout", with: "on_change = \"restart-resources\"\nready_timeout"))
        let map = ResourceMap(resourcesDir: "/p/resources") { $0 == "/p/resources/chat" }
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/resources/chat/a.js"])), config: config, server: .running(pid: 100), resources: map)
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        await server.set(resourceOutcome: .failed(.consoleClosed))
        #expect(await executor(server: server).run(plan, cycle: 3, trigger: "x") == .completed)
        #expect(log.all == ["restart chat", "stop 100", "start 200", "reconnect"])
        #expect(events.all.contains { if case .resourcesRestarted(_, _, false, _, _, true) = $0 { true } else { false } })
    }

    @Test("no ready line in time: a failed cycle said as a warning, the server left running")
    func readyTimeout() async throws {
        let server = FakeServer(log: log, next: [FakeInstance(pid: 300, readyOutcome: .timedOut)])
        let outcome = await executor(server: server).run(plan(["/p/README.md"], config: try Self.config(), running: false), cycle: 1, trigger: "x")
        #expect(outcome == .completed)
        #expect(!log.all.contains("reconnect"))
        #expect(events.report?.isWarning == true)
        #expect(await server.isRunning())
    }

    @Test("a server that exits within 250 ms of its ready line fails the cycle, however fast the reconnect")
    func exitRightAfterReady() async throws {
        let instance = FakeInstance(pid: 300, readyOutcome: nil)
        let server = FakeServer(log: log, next: [instance])
        let plan = plan(["/p/README.md"], config: try Self.config(), running: false)
        let running = Task { await executor(server: server).run(plan, cycle: 1, trigger: "x") }
        instance.ready.fulfill(.now)
        // The reconnect has answered; the exit comes inside the settle window.
        while !log.all.contains("reconnect") { await Task.yield() }
        instance.exit(.exited(1))
        #expect(await running.value == .completed)
        guard case .failed(let reason)? = events.report?.result else {
            Issue.record("not failed: \(events.all)")
            return
        }
        #expect("\(reason)".hasPrefix("server exited with status 1 ") && "\(reason)".hasSuffix(" after it was ready"))
    }

    @Test("a server that exits while the client is asked: the reconnect is abandoned, the exit is the verdict")
    func exitDuringReconnect() async throws {
        let instance = FakeInstance(pid: 300, readyOutcome: nil)
        instance.ready.fulfill(.now)
        let server = FakeServer(log: log, next: [instance])
        let client = FakeClient(log: log, delay: .seconds(30), emit: events.emit)
        let plan = plan(["/p/README.md"], config: try Self.config(), running: false)
        let running = Task { await executor(server: server, client: client).run(plan, cycle: 1, trigger: "x") }
        while !log.all.contains("reconnect") { await Task.yield() }
        instance.exit(.signaled(6))
        #expect(await running.value == .completed)
        await client.backgroundFinished()
        #expect(!events.names.contains("client.reconnected"))
        #expect(!events.names.contains("client.failed"))
        guard case .failed(let reason)? = events.report?.result else {
            Issue.record("not failed")
            return
        }
        #expect("\(reason)".contains("after it was ready"))
    }

    @Test("the game client not there: the cycle is done at ready, saying it waits for the client; the reconnect fails later, on its own")
    func clientAbsent() async throws {
        let server = FakeServer(log: log)
        let client = FakeClient(log: log, result: .notConnected(.gaveUp(after: .seconds(1), last: "no answer")), emit: events.emit)
        _ = await executor(server: server, client: client).run(plan(["/p/README.md"], config: try Self.config(), running: false), cycle: 1, trigger: "x")
        #expect(events.report?.result == .clientNotConnected)
        #expect(try #require(events.report).line.hasSuffix("server ready · waiting for the game client"))
        await client.backgroundFinished()
        #expect(events.all.last == .clientFailed(cycle: 1, reason: .gaveUp(after: .seconds(1), last: "no answer"), refused: false))
    }

    @Test("a reconnect the client refuses is its own failure, after a cycle that worked")
    func clientRefused() async throws {
        let client = FakeClient(log: log, result: .failed(.wentBackToMainMenu), emit: events.emit)
        _ = await executor(server: FakeServer(log: log), client: client)
            .run(plan(["/p/README.md"], config: try Self.config(), running: false), cycle: 3, trigger: "x")
        #expect(events.report?.result == .done)
        await client.backgroundFinished()
        #expect(events.all.last == .clientFailed(cycle: 3, reason: .wentBackToMainMenu, refused: true))
    }

    @Test("resources that fail to load at a console restart: no full restart, the cycle failed, the lines said")
    func resourceLoadFailed() async throws {
        let config = try Self.config(Self.source.replacingOccurrences(of: "ready_timeout", with: "on_change = \"restart-resources\"\nready_timeout"))
        let map = ResourceMap(resourcesDir: "/p/resources") { $0 == "/p/resources/chat" }
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/resources/chat/a.js"])), config: config, server: .running(pid: 100), resources: map, graph: ResourceGraph())
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let failed = FailedResource(name: "chat", lines: ["SyntaxError: missing ) after argument list"])
        await server.set(resourceOutcome: .loadFailed(restarted: [], failed: [failed]))
        #expect(await executor(server: server).run(plan, cycle: 3, trigger: "x") == .completed)
        #expect(log.all == ["restart chat"])
        #expect(events.names == ["resources.restarted", "resource.failed", "cycle.finished"])
        #expect(events.all.contains(.resourceFailed(cycle: 3, failed)))
        let line = try #require(events.report).line
        #expect(line == "✗ #3 x · failed to load resource chat · the server keeps running; the next save loads it again")
    }

    @Test("a change to a resource and to its dependent restarts only the resource: the server brings the dependent back")
    func dependentsAreNotRestartedTwice() async throws {
        let config = try Self.config(Self.source.replacingOccurrences(of: "ready_timeout", with: "on_change = \"restart-resources\"\nready_timeout"))
        let map = ResourceMap(resourcesDir: "/p/resources") { ["/p/resources/other", "/p/resources/dependent"].contains($0) }
        let graph = ResourceGraph(deps: ["other": [], "dependent": ["other"]])
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/resources/dependent/a.js", "/p/resources/other/a.js"])), config: config, server: .running(pid: 100),
            resources: map, graph: graph)
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        await server.set(resourceOutcome: .restarted(["other", "dependent"]))
        _ = await executor(server: server).run(plan, cycle: 4, trigger: "x")
        #expect(log.all == ["restart other"])
        #expect(await server.graphs == [graph])
        #expect(try #require(events.report).line.hasPrefix("✓ #4 x · restarted resource other (+ dependent) in "))
    }

    @Test("the port still held after the wait: not started, and the holder named")
    func portHeld() async throws {
        let server = FakeServer(log: log)
        await server.set(port: .held(by: "node (pid 77)"))
        _ = await executor(server: server).run(plan(["/p/README.md"], config: try Self.config(), running: false), cycle: 1, trigger: "x")
        #expect(!log.all.contains { $0.hasPrefix("start") })
        guard case .failed(let reason)? = events.report?.result else {
            Issue.record("not failed")
            return
        }
        #expect("\(reason)".contains("is held by node (pid 77)"))
    }

    @Test("a cancelled cycle stops where it is and ends as cancelled")
    func cancelled() async throws {
        let gate = Latch<Void>()
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let stages = FakeStages(log: log, gate: gate)
        let plan = plan(["/p/src/a.ts"], config: try Self.config())
        let running = Task { await executor(server: server, stages: stages).run(plan, cycle: 4, trigger: "x") }
        while stages.ran.withLock({ $0.isEmpty }) { await Task.yield() }
        running.cancel()
        #expect(await running.value == .cancelled)
        #expect(log.all == ["stages build"])
        guard case .cycleFinished(4, .cancelled, _)? = events.all.last else {
            Issue.record("last event: \(String(describing: events.all.last))")
            return
        }
    }
}
