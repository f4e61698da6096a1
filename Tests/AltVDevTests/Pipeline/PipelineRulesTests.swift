import Testing

@testable import AltVDev

@Suite("Pipeline rules")
struct PipelineRulesTests {
    static let source = """
        [server]
        command = ["x"]
        on_change = "restart-resources"
        [watch]
        paths = ["resources", "src"]
        [[stage]]
        name = "ts"
        command = "tsc"
        when = ["src/**/*.ts"]
        outputs = ["resources/**"]
        [[stage]]
        name = "lint"
        command = "eslint"
        when = ["src/**"]
        parallel = true
        [[stage]]
        name = "docs"
        command = "make docs"
        when = ["docs/**"]
        """

    /// Resources are the folders with a resource.toml: core, chat and the sub-folder resource maps/island.
    static let map = ResourceMap(resourcesDir: "/p/resources") { folder in
        ["/p/resources/core", "/p/resources/chat", "/p/resources/maps/island"].contains(folder)
    }

    func plan(_ paths: [String], source: String = source, running: Bool = true) throws -> Plan {
        let config = try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml")
        return Planner.plan(for: .changes(ChangeSet(paths: paths.map { "/p/" + $0 })), config: config, server: running ? .running(pid: 100) : .notRunning, resources: Self.map)
    }

    @Test("stages are picked by `when`; parallel ones share a batch with the stage before")
    func selection() throws {
        let plan = try plan(["src/core/a.ts"])
        #expect(plan.actions.first == .runStages(["ts", "lint"]))
        #expect(plan.stageNames == ["ts", "lint"])
        #expect(try self.plan(["src/core/a.json"]).stageNames == ["lint"])
        #expect(try self.plan(["resources/core/a.js"]).stageNames.isEmpty)
        let all = Planner.plan(
            for: .initialStart, config: try ConfigLoader.parse(source: Self.source, file: "/p/altv-dev.toml"), server: .notRunning, resources: Self.map)
        #expect(all.stageNames == ["ts", "lint", "docs"])
    }

    @Test("changes inside resources restart just them; the rest restarts the server, saying why")
    func resourceRestarts() throws {
        #expect(try plan(["resources/core/server/a.js", "resources/maps/island/x/y.js"]).actions == [.restartResources(["core", "maps/island"])])
        let fallback = try plan(["resources/core/a.js"]).fallback
        #expect(fallback == [.stopServer, .startServer, .awaitReady, .reconnectClient])
        // Stages writing only into resources: what their outputs name, plus what they are seen writing.
        let withoutLint = Self.source.replacingOccurrences(of: "name = \"lint\"", with: "name = \"lint\"\noutputs = [\"resources/chat/**\"]")
        #expect(try plan(["src/core/a.ts"], source: withoutLint).actions == [.runStages(["ts", "lint"]), .restartResources(["chat"])])
        #expect(try plan(["src/core/a.ts"]).fullRestartReason == .stageWritesOutsideResources("lint"))
        #expect(try plan(["server.toml"]).fullRestartReason == .serverTomlChanged)
        #expect(try plan(["README.md"]).fullRestartReason == .outsideResources("README.md"))
        #expect(try plan(["resources/core/a.js"], running: false).fullRestartReason == .serverNotRunning)
        let restartOnly = Self.source.replacingOccurrences(of: "on_change = \"restart-resources\"", with: "")
        #expect(try plan(["resources/core/a.js"], source: restartOnly).actions == [.stopServer, .startServer, .awaitReady, .reconnectClient])
    }

    @Test("a resource name the console cannot take (white space, control characters) is not typed", arguments: [
        ("core", true), ("über", true), ("maps/island", true), ("über chat", false), ("tab\tname", false), ("", false), ("a\u{7F}", false),
    ])
    func typableNames(_ name: String, _ typable: Bool) {
        #expect(ResourceName.canBeTyped(name) == typable)
    }

    @Test("output globs name their folder; sources named like a resource touch it")
    func globsAndNames() {
        #expect(GlobSet.literalFolder(of: "resources/core/**") == "resources/core")
        #expect(GlobSet.literalFolder(of: "dist/*.js") == "dist")
        #expect(GlobSet.literalFolder(of: "out") == "out")
        let globs = GlobSet(base: "/p", patterns: ["resources/core/gen/**"])
        #expect(globs.covers("/p/resources/core/gen/a.js", isDirectory: false))
        #expect(globs.covers("/p/resources/core/gen", isDirectory: true))
        #expect(!globs.covers("/p/resources/core/a.js", isDirectory: false))
        #expect(Self.map.resource(containing: "/p/resources/maps/island/client/a.js") == "maps/island")
        #expect(Self.map.resource(containing: "/p/resources/new/a.js") == "new")
        #expect(Self.map.resource(containing: "/p/resources/loose.js") == nil)
    }

    @Test("typed lines: `:` commands are altv-dev's, the rest goes to the server")
    func consoleCommands() {
        #expect(ConsoleCommand(line: ":r") == .restart)
        #expect(ConsoleCommand(line: " :rc ") == .reconnect)
        #expect(ConsoleCommand(line: ":q") == .quit)
        #expect(ConsoleCommand(line: ":help") == .help)
        #expect(ConsoleCommand(line: ":x") == .unknown(":x"))
        #expect(ConsoleCommand(line: "restart core") == .server("restart core"))
        #expect(ConsoleCommand(line: "   ") == nil)
    }

    @Test("merged change sets keep each path once and the earliest first event")
    func merging() {
        let early = ContinuousClock.now
        let a = ChangeSet(paths: ["/a", "/b"], firstEventAt: early + .seconds(1))
        let b = ChangeSet(paths: ["/b", "/c"], overflowed: true, firstEventAt: early)
        let merged = a.merging(b)
        #expect(merged.paths == ["/a", "/b", "/c"] && merged.overflowed && merged.firstEventAt == early)
    }

    @Test("a stage with outputs = [] written out writes nothing: it does not force a full restart; left out, it does")
    func writesNothing() throws {
        let build = """
            [server]
            command = ["x"]
            on_change = "restart-resources"
            [watch]
            paths = ["resources", "src"]
            [[stage]]
            name = "ts"
            command = "esbuild"
            when = ["src/**/*.ts"]
            outputs = ["resources/**"]

            """
        let typecheck = "[[stage]]\nname = \"typecheck\"\ncommand = \"tsc\"\nwhen = [\"src/**\"]\nparallel = true\n"
        let declared = try plan(["src/core/index.ts"], source: build + typecheck + "outputs = []\n")
        #expect(declared.fullRestartReason == nil)
        #expect(declared.stageNames == ["ts", "typecheck"])
        #expect(declared.actions.last == .restartResources([]))
        let undeclared = try plan(["src/core/index.ts"], source: build + typecheck)
        #expect(undeclared.fullRestartReason == .stageWritesOutsideResources("typecheck"))
    }
}
