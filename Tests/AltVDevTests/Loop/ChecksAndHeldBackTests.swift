import Testing

@testable import AltVDev

/// `gate = false` stages (checks beside the cycle) and a failed stage that holds back only the
/// resources it builds: the planner's and executor's rules, against fakes.
@Suite("Checks and held-back resources")
struct ChecksAndHeldBackTests {
    /// The altv-typescript shape: esbuild per resource, tsc over everything beside it.
    static let source = """
        [server]
        command = ["altv-server"]
        on_change = "restart-resources"
        ready_timeout = "2s"
        [watch]
        paths = ["src", "resources"]
        [[stage]]
        name = "build-core"
        command = "esbuild core"
        when = ["src/core/**"]
        outputs = ["resources/core/**"]
        [[stage]]
        name = "build-admin"
        command = "esbuild admin"
        when = ["src/admin/**"]
        outputs = ["resources/admin/**"]
        parallel = true
        [[stage]]
        name = "typecheck"
        command = "tsc --noEmit"
        when = ["src/**", "tests/**"]
        outputs = []
        gate = false
        """

    static func config(_ source: String = source) throws -> Config {
        try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml")
    }

    let map = ResourceMap(resourcesDir: "/p/resources") { ["/p/resources/core", "/p/resources/admin"].contains($0) }
    let log = CallLog()
    let events = EventRecorder()

    func plan(_ paths: [String], config: Config) -> Plan {
        Planner.plan(
            for: .changes(ChangeSet(paths: paths, firstEventAt: .now)), config: config, server: .running(pid: 100), resources: map,
            graph: ResourceGraph())
    }

    func executor(_ stages: FakeStages, server: FakeServer) -> PlanExecutor {
        PlanExecutor(server: server, stages: stages, services: nil, client: FakeClient(log: log, emit: events.emit), emit: events.emit)
    }

    @Test("gate = false is read, printed and defaults to true")
    func configKey() throws {
        let config = try Self.config()
        #expect(config.stages.map(\.gate) == [true, true, false])
        #expect(ConfigPrinter.entries(config).contains { $0 == ("stage.2.gate", "false") })
        #expect(throws: ConfigError.self) { try Self.config(Self.source.replacingOccurrences(of: "gate = false", with: "gate = \"no\"")) }
    }

    @Test("a check starts first, beside the cycle, in no batch of its own; the restart does not wait for it")
    func checkStartsBeside() throws {
        let plan = plan(["/p/src/core/a.ts"], config: try Self.config())
        #expect(plan.actions == [.startChecks(["typecheck"]), .runStages(["build-core"]), .restartResources(["core"])])
        #expect(plan.stageNames == ["build-core"] && plan.checkNames == ["typecheck"])
        #expect(PlanSummary(plan).checks == ["typecheck"] && PlanSummary(plan).restarts)
    }

    @Test("a change only checks care about restarts nothing, under either on_change")
    func checksOnlyRestartsNothing() throws {
        let plan = plan(["/p/tests/a.test.ts"], config: try Self.config())
        #expect(plan.actions == [.startChecks(["typecheck"])])
        #expect(!PlanSummary(plan).restarts)
        #expect(Narrator.steps(PlanSummary(plan)) == ["nothing to restart"])
        let restart = try Self.config(Self.source.replacingOccurrences(of: "on_change = \"restart-resources\"\n", with: ""))
        #expect(self.plan(["/p/tests/a.test.ts"], config: restart).actions == [.startChecks(["typecheck"])])
        // A gating stage without `when` runs for every path, so none is only the check's.
        let everyPath = try Self.config(Self.source.replacingOccurrences(of: "when = [\"src/core/**\"]\n", with: ""))
        #expect(self.plan(["/p/tests/a.test.ts"], config: everyPath).actions.contains(.restartResources([])) == false)
        #expect(self.plan(["/p/tests/a.test.ts"], config: everyPath).fullRestartReason == .outsideResources("tests/a.test.ts"))
        // A path a gating stage builds still restarts.
        #expect(self.plan(["/p/tests/a.test.ts", "/p/src/core/a.ts"], config: restart).actions.contains(.startServer))
    }

    @Test("the executor starts the checks and goes on: the cycle's verdict is the gating stages'")
    func executorStartsChecks() async throws {
        let stages = FakeStages(log: log, failing: ["typecheck"])
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let outcome = await executor(stages, server: server).run(plan(["/p/src/core/a.ts"], config: try Self.config()), cycle: 2, trigger: "x")
        #expect(outcome == .completed)
        #expect(log.all == ["checks typecheck", "stages build-core", "restart core"])
        #expect(events.report?.result == .done)
        // No phase is said for starting the checks: the status line shows the build.
        #expect(events.all.compactMap { if case .phase(_, let phase) = $0 { phase } else { nil } }.first == .building(["build-core"]))
    }

    @Test("a failed stage holds back only the resources its outputs name; the rest restarts, and only its paths are kept")
    func heldBack() async throws {
        let stages = FakeStages(log: log, failing: ["build-core"])
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let plan = plan(["/p/src/core/a.ts", "/p/src/admin/b.ts"], config: try Self.config())
        #expect(plan.heldBack(byFailureOf: ["build-core"]) == ["core"])
        let outcome = await executor(stages, server: server).run(plan, cycle: 3, trigger: "x")
        #expect(outcome == .partlyApplied(retry: ["/p/src/core/a.ts"]))
        #expect(log.all == ["checks typecheck", "stages build-core build-admin", "restart admin"])
        #expect(events.all.contains(.notice(.process(.resourceHeldBack("core", stages: ["build-core"])))))
        #expect(events.report?.result == .failed(.stageFailedHeldBack("build-core", held: ["core"])))
        #expect(events.report?.line.hasSuffix("build-core failed; resource core keeps its old code, the rest was restarted; the next change tries again") == true)
    }

    @Test("when the failed stage's resources are all the change touched, the cycle fails as before")
    func heldBackEverything() async throws {
        let stages = FakeStages(log: log, failing: ["build-core"])
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        let outcome = await executor(stages, server: server).run(plan(["/p/src/core/a.ts"], config: try Self.config()), cycle: 3, trigger: "x")
        #expect(outcome == .stageFailed)
        #expect(!log.all.contains { $0.hasPrefix("restart") })
        #expect(events.report?.result == .failed(.stageFailed("build-core", server: .keepsRunning)))
    }

    @Test("a failed stage that may write anywhere, or a full-restart plan, holds everything back")
    func noHoldBackWithoutKnownOutputs() throws {
        let anywhere = try Self.config(Self.source.replacingOccurrences(of: "outputs = [\"resources/core/**\"]\n", with: ""))
        let restartResources = plan(["/p/src/core/a.ts", "/p/src/admin/b.ts"], config: anywhere)
        #expect(restartResources.heldBack(byFailureOf: ["build-core"]) == nil)
        let full = try Self.config(Self.source.replacingOccurrences(of: "on_change = \"restart-resources\"\n", with: ""))
        #expect(plan(["/p/src/core/a.ts", "/p/src/admin/b.ts"], config: full).heldBack(byFailureOf: ["build-core"]) == nil)
    }

    @Test("the idle status line says a check's verdict after the cycle's")
    func statusLine() {
        var model = StatusModel()
        let start = ContinuousClock.now
        var report = CycleReport(number: 4, trigger: "x")
        report.saveToReady = .milliseconds(120)
        model.apply(.cycleStarted(cycle: 4, trigger: .manualRestart, plan: nil), at: start)
        model.apply(.cycleFinished(cycle: 4, outcome: .completed, report: report), at: start)
        let failed = StageResult(name: "typecheck", duration: .seconds(3), outcome: .failed(.exited(2)), gate: false)
        model.apply(.stageFinished(cycle: 4, result: failed), at: start)
        #expect(model.text(at: start, width: 200) == "watching · ✓ #4 120ms · check typecheck ✗")
        model.apply(.cycleStarted(cycle: 5, trigger: .manualRestart, plan: nil), at: start)
        #expect(model.lastCheck == nil)
    }

    @Test("stage.finished says whether the stage gated its cycle")
    func eventField() throws {
        let result = StageResult(name: "typecheck", duration: .seconds(3), outcome: .succeeded, gate: false)
        let record = try #require(EventRecord.json(.stageFinished(cycle: 4, result: result), time: "t", directory: "/p"))
        #expect(record.text.contains("\"gate\":false"))
    }

    static let dotnetSource = """
        [server]
        command = ["altv-server"]
        on_change = "restart-resources"
        [watch]
        paths = ["src", "resources"]
        [[stage]]
        name = "lint"
        command = "lint"
        when = ["src/**"]
        outputs = []
        [[stage]]
        name = "dotnet"
        command = "dotnet build"
        when = ["src/**"]
        outputs = ["resources/core/**"]
        stop_first = true
        """

    @Test("stop_first = true under restart-resources: its resources are stopped before it and started after; a failure leaves them stopped, said so")
    func stopFirstResources() async throws {
        let config = try Self.config(Self.dotnetSource)
        let plan = plan(["/p/src/core/a.cs"], config: config)
        #expect(plan.actions == [.runStages(["lint"]), .stopResources(["core"]), .runStages(["dotnet"]), .restartResources(["core"])])
        #expect(plan.fallback.first == .stopServer)
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        #expect(await executor(FakeStages(log: log), server: server).run(plan, cycle: 2, trigger: "x") == .completed)
        #expect(log.all == ["stages lint", "stop resources core", "stages dotnet", "restart core"])
        // Stopped to be built, not gone: the verdict names the restart only.
        #expect(events.report?.line.contains("stopped resource") == false && events.report?.result == .done)
        let failing = FakeStages(log: log, failing: ["dotnet"])
        _ = await executor(failing, server: server).run(plan, cycle: 3, trigger: "x")
        #expect(events.lastReport?.result == .failed(.stageFailed("dotnet", server: .runsWithout(["core"]))))
        #expect(events.lastReport?.line.hasSuffix("dotnet failed; the server runs without resource core, stopped for it (stop_first = true); the next change tries again") == true)
    }

    @Test("stop_first = true with a full restart (on_change = restart, or outputs that name no resource): the server stops before that stage's batch")
    func stopFirstServer() async throws {
        let config = try Self.config(Self.dotnetSource.replacingOccurrences(of: "on_change = \"restart-resources\"\n", with: ""))
        let plan = plan(["/p/src/core/a.cs"], config: config)
        #expect(plan.actions == [.runStages(["lint"]), .stopServer, .runStages(["dotnet"]), .startServer, .awaitReady, .reconnectClient])
        let stages = FakeStages(log: log, failing: ["dotnet"])
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        #expect(await executor(stages, server: server).run(plan, cycle: 2, trigger: "x") == .stageFailed)
        #expect(log.all == ["stages lint", "stop 100", "stages dotnet"])
        #expect(events.report?.line.hasSuffix("dotnet failed; the server was stopped for it (stop_first = true) and was not started again; the next change tries again") == true)
        let anywhere = try Self.config(Self.dotnetSource.replacingOccurrences(of: "outputs = [\"resources/core/**\"]\n", with: ""))
        let full = self.plan(["/p/src/core/a.cs"], config: anywhere)
        #expect(full.fullRestartReason == .stageWritesOutsideResources("dotnet") && full.actions.firstIndex(of: .stopServer) == 1)
        // Not running: nothing to stop first.
        let stopped = Planner.plan(for: .changes(ChangeSet(paths: ["/p/src/core/a.cs"])), config: config, server: .notRunning, resources: map, graph: ResourceGraph())
        #expect(stopped.actions == [.runStages(["lint"]), .runStages(["dotnet"]), .startServer, .awaitReady, .reconnectClient])
    }

    @Test("a resource folder that is gone is stopped, not restarted; a new src/<name>/ with its resource.toml names only that resource")
    func goneAndNewResources() async throws {
        let gone = ResourceMap(
            resourcesDir: "/p/resources", hasManifest: { ["/p/resources/core", "/p/src/fresh"].contains($0) }, folderExists: { $0 == "/p/resources/core" })
        let source = Self.source.replacingOccurrences(of: "when = [\"src/core/**\"]", with: "when = [\"src/**\"]")
        let config = try Self.config(source)
        let plan = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/resources/old/server.js", "/p/resources/core/a.js"])), config: config, server: .running(pid: 100),
            resources: gone, graph: ResourceGraph())
        #expect(plan.actions.contains(.stopResources(["old"])))
        #expect(plan.resourcesToRestart == ["core"])
        #expect(Narrator.steps(PlanSummary(plan)).contains("stopping resource old (folder gone)"))
        let server = FakeServer(log: log, running: FakeInstance(pid: 100))
        _ = await executor(FakeStages(log: log), server: server).run(plan, cycle: 4, trigger: "x")
        #expect(log.all.suffix(2) == ["stop resources old", "restart core"])
        #expect(events.report?.line.contains("stopped resource old (its folder is gone)") == true)
        let record = try #require(events.all.compactMap { EventRecord.json($0, time: "t", directory: "/p") }.first { $0.text.contains("resources.stopped") })
        #expect(record.text.contains("\"resources\":[\"old\"]"))
        // ALTV_DEV_RESOURCES for a new source folder names it (beside what the stage's outputs name), though resources/fresh does not exist yet.
        let fresh = Planner.plan(
            for: .changes(ChangeSet(paths: ["/p/src/fresh/server/index.ts"])), config: config, server: .running(pid: 100), resources: gone,
            graph: ResourceGraph())
        #expect(fresh.resources == ["core", "fresh"])
    }

    @Test("a parallel batch's stage that ends leaves the status line; the slower one stays with the batch's timer")
    func batchPhaseShrinks() {
        var model = StatusModel()
        let start = ContinuousClock.now
        model.apply(.cycleStarted(cycle: 2, trigger: .manualRestart, plan: nil), at: start)
        model.apply(.phase(cycle: 2, .building(["build", "typecheck"])), at: start)
        model.apply(.stageFinished(cycle: 2, result: StageResult(name: "build", duration: .milliseconds(40), outcome: .succeeded)), at: start + .milliseconds(40))
        #expect(model.text(at: start + .seconds(2), width: 200) == "#2 running typecheck 2.0s")
    }
}
