import Foundation
import Testing

@testable import AltVDev

@Suite("check --why, warnings and init")
struct ConfigAdvisorTests {
    /// A temp project with `resources/` and the given files; removed afterwards.
    func withFolder(_ files: [String: String], _ body: (String) throws -> Void) throws { try withTemporaryFolder(files, body) }

    static let config = """
        [server]
        command = ["./altv-server"]
        [watch]
        paths = ["resources"]
        ignore = ["node_modules/", "*.log", "!keep.log", "/resources/core/dist/"]
        """

    @Test("why: watched, ignored with rule and source, re-included, outside, the config itself")
    func why() throws {
        try withFolder(["altv-dev.toml": Self.config]) { folder in
            let config = try ConfigLoader.load(file: folder + "/altv-dev.toml")
            let cases: [(String, String)] = [
                ("resources/core/index.js", "watched: a save → restarting the server"),
                ("resources/core/node_modules/a/b.js", "ignored by altv-dev.toml [watch] ignore #1: node_modules/ (its folder resources/core/node_modules/ is ignored)"),
                ("resources/core/server.log", "ignored by altv-dev.toml [watch] ignore #2: *.log"),
                ("resources/core/keep.log", "watched (re-included by altv-dev.toml [watch] ignore #3: !keep.log): a save → restarting the server"),
                ("resources/core/dist/x.js", "ignored by altv-dev.toml [watch] ignore #4: /resources/core/dist/ (its folder resources/core/dist/ is ignored)"),
                ("resources/core/.x.js.swp", "ignored by built-in rule #4: *.swp"),
                ("server.toml", "not watched: outside [watch] paths (resources)"),
                ("altv-dev.toml", "the config file: a save reloads it"),
            ]
            for (path, expected) in cases {
                #expect(ConfigAdvisor.why(folder + "/" + path, config: config) == folder + "/" + path + ": " + expected)
            }
        }
    }

    @Test("why names what a save would run: the stage its when matches, the resource restarted, a check beside")
    func whyNamesTheStages() throws {
        let text = """
            [server]
            command = ["./altv-server"]
            on_change = "restart-resources"
            [watch]
            paths = ["src", "resources"]
            [[stage]]
            name = "build"
            command = "x"
            when = ["src/**"]
            outputs = ["resources/**"]
            [[stage]]
            name = "typecheck"
            command = "tsc"
            when = ["src/**"]
            outputs = []
            gate = false
            """
        try withFolder(["altv-dev.toml": text, "src/core/a.ts": "", "resources/core/resource.toml": "type = \"js\"\n"]) { folder in
            let config = try ConfigLoader.load(file: folder + "/altv-dev.toml")
            #expect(ConfigAdvisor.why(folder + "/src/core/a.ts", config: config).hasSuffix(
                ": watched: a save → stage build, then restarting the resources the stages change (check typecheck beside)"))
            #expect(ConfigAdvisor.why(folder + "/resources/core/a.js", config: config).hasSuffix(": watched: a save → restarting resource core"))
        }
    }

    @Test("warnings: a reconnect password that is not server.toml's is said, without either; server.toml's own is fine")
    func passwordMismatch() throws {
        let server = ServerToml(password: "server-secret-1")
        var config = try ConfigLoader.parse(source: Self.config + "\n[reconnect]\npassword = \"other-secret-2\"\n", file: "/p/altv-dev.toml")
        let warning = try #require(ConfigAdvisor.passwordMismatch(config, serverToml: server))
        #expect(warning.hasPrefix("the reconnect password (reconnect.password in altv-dev.toml) is not the one in server.toml"))
        #expect(!warning.contains("server-secret-1") && !warning.contains("other-secret-2"))
        config.reconnect.password = Secret("server-secret-1")
        #expect(ConfigAdvisor.passwordMismatch(config, serverToml: server) == nil)
        config.reconnect.enabled = false
        config.reconnect.password = Secret("other-secret-2")
        #expect(ConfigAdvisor.passwordMismatch(config, serverToml: server) == nil)
        #expect(ConfigAdvisor.passwordMismatch(try ConfigLoader.parse(source: Self.config, file: "/p/altv-dev.toml"), serverToml: ServerToml()) == nil)
    }

    @Test("warnings: a missing server program, server.toml not watched")
    func warnings() throws {
        try withFolder(["altv-dev.toml": Self.config, "server.toml": "debug = false\n"]) { folder in
            let warnings = ConfigAdvisor.warnings(for: try ConfigLoader.load(file: folder + "/altv-dev.toml"), environment: [:])
            #expect(warnings.count == 2)
            #expect(warnings[0].hasPrefix("server.command: ./altv-server is not found"))
            #expect(warnings[1] == "\(folder)/server.toml is not watched: saving it does nothing until altv-dev restarts; add its folder to [watch] paths, e.g. paths = [\".\"]")
        }
        let watchingAll = Self.config.replacingOccurrences(of: "./altv-server", with: "sh").replacingOccurrences(of: "paths = [\"resources\"]", with: "paths = [\".\"]")
        try withFolder(["altv-dev.toml": watchingAll, "server.toml": "debug = true\n"]) { folder in
            let config = try ConfigLoader.load(file: folder + "/altv-dev.toml")
            #expect(ConfigAdvisor.warnings(for: config, environment: ["PATH": "/bin:/usr/bin"]).isEmpty)
        }
    }

    @Test("server.cfg with ensure lines and no server.toml, under platform altv: said to be FXServer's, with the key to set")
    func fxServerFolder() throws {
        try withFolder(["altv-dev.toml": Self.config, "server.cfg": "sv_lan 1\nensure chat\n"]) { folder in
            let warnings = ConfigAdvisor.warnings(for: try ConfigLoader.load(file: folder + "/altv-dev.toml"))
            #expect(warnings.contains { $0.contains("server.cfg ensures resources: that is FXServer's config") && $0.contains("platform = \"fivem\"") }, "\(warnings)")
            #expect(!warnings.contains { $0.contains("before v13") })
        }
    }

    @Test("server.cfg without server.toml: said to be the config from before v13")
    func serverCfg() throws {
        try withFolder(["altv-dev.toml": Self.config, "server.cfg": "name: 'x',\nresources: [core]\n"]) { folder in
            let warnings = ConfigAdvisor.warnings(for: try ConfigLoader.load(file: folder + "/altv-dev.toml"), environment: [:])
            #expect(warnings.contains { $0.hasPrefix("\(folder)/server.toml is not there, but server.cfg is: that is alt:V's config from before v13") })
        }
    }

    @Test("init: what it finds is in the file, the file loads, and it does not overwrite")
    func scaffold() throws {
        try withFolder([
            "altv-server": "#!/bin/sh\n", "server.toml": "resources = [\"core\", \"chat\"]\n", "tsconfig.json": "{}",
            "package.json": "{\"scripts\": {\"build\": \"tsc -p .\"}}",
        ]) { folder in
            let scaffold = ProjectScaffold(directory: folder)
            let found = scaffold.findings()
            #expect(found.serverBinary == "altv-server")
            #expect(found.resources == ["core", "chat"])
            #expect(found.buildScript == "npm run build")
            #expect(found.typeScript && found.hasServerToml && !found.debug && found.hasResourcesFolder)
            let file = try scaffold.write(force: false)
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("# server.toml loads: core, chat"))
            #expect(text.contains("does not set debug = true"))
            let config = try ConfigLoader.load(file: file)
            #expect(config.server.command == .arguments(["./altv-server"]))
            #expect(config.stages.map(\.name) == ["build"] && config.stages[0].command == .shell("npm run build"))
            // The build reads the TypeScript and writes resources/: its own writes start no cycle.
            #expect(config.stages[0].when == ["**/*.ts", "!resources/**", "package.json", "tsconfig.json"])
            #expect(config.stages[0].outputs == ["resources/**"])
            // server.toml is watched, so check has nothing to say about it.
            #expect(ConfigAdvisor.isWatched(folder + "/server.toml", config: config))
            #expect(!ConfigAdvisor.warnings(for: config, environment: [:]).contains { $0.contains("is not watched") })
            #expect(throws: ProjectScaffold.Refusal.self) { try scaffold.write(force: false) }
            try scaffold.write(force: true)
        }
    }

    @Test("init in a TypeScript project (src/<name>/resource.toml, server/index.ts): esbuild and tsc side by side, restart-resources; the example is that pipeline")
    func typeScriptScaffold() throws {
        try withFolder([
            "server.toml": "debug = true\nresources = [\"core\"]\n", "tsconfig.json": "{}",
            "src/core/resource.toml": "type = \"js\"\n", "src/core/server/index.ts": "", "src/notes/readme.md": "",
        ]) { folder in
            let scaffold = ProjectScaffold(directory: folder)
            #expect(scaffold.findings().typeScriptResources == ["core"])
            let config = try ConfigLoader.load(file: try scaffold.write(force: false))
            #expect(config.server.onChange == .restartResources)
            #expect(config.stages.map(\.name) == ["build", "typecheck"])
            #expect(config.stages[1].writesNothing && !config.stages[1].gate && !config.stages[0].writesNothing)
            #expect(config.stages[1].command == .shell("tsc --noEmit -p ."))
            // Bundles with maps: a stack frame in one is shown at its .ts line.
            #expect("\(config.stages[0].command)".components(separatedBy: "--sourcemap").count == 3)
            let example = try ConfigLoader.load(
                file: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
                    .deletingLastPathComponent().appendingPathComponent("examples/typescript/altv-dev.toml").path)
            for (ours, theirs) in zip(config.stages, example.stages) {
                #expect(ours.name == theirs.name && ours.command == theirs.command && ours.when == theirs.when)
                #expect(ours.outputs == theirs.outputs && ours.parallel == theirs.parallel && ours.gate == theirs.gate && ours.writesNothing == theirs.writesNothing)
            }
            #expect(example.stages.count == 2)
        }
    }

    @Test("init: a .env beside server.toml is written as env_file, and the file loads with it")
    func scaffoldDotEnv() throws {
        try withFolder(["server.toml": "debug = true\n", ".env": "DB=x\n"]) { folder in
            let config = try ConfigLoader.load(file: try ProjectScaffold(directory: folder).write(force: false))
            #expect(config.server.envFile?.path == folder + "/.env" && config.server.envFile?.keys == ["DB"])
        }
        try withFolder(["server.toml": "debug = true\n"]) { folder in
            let config = try ConfigLoader.load(file: try ProjectScaffold(directory: folder).write(force: false))
            #expect(config.server.envFile == nil)
        }
    }

    @Test("init: with src/, the build stage reads src/**")
    func scaffoldWithSources() throws {
        try withFolder(["server.toml": "debug = true\n", "src/core/index.ts": "", "package.json": "{\"scripts\": {\"build\": \"x\"}}"]) { folder in
            let config = try ConfigLoader.load(file: try ProjectScaffold(directory: folder).write(force: false))
            #expect(config.stages.first?.when == ["src/**", "package.json"])
            #expect(config.stages.first?.outputs == ["resources/**"])
        }
    }

    @Test("init: a folder without server.toml is refused, saying what is missing, unless forced")
    func scaffoldElsewhere() throws {
        try withFolder(["README.md": "x"]) { folder in
            let scaffold = ProjectScaffold(directory: folder)
            #expect(scaffold.findings().missing == ["server.toml", "the altv-server program ([server] command points at ./altv-server)"])
            #expect(throws: ProjectScaffold.Refusal.self) { try scaffold.write(force: false) }
            #expect(!FileManager.default.fileExists(atPath: folder + "/altv-dev.toml"))
            _ = try ConfigLoader.load(file: try scaffold.write(force: true))
        }
    }
}
