import Foundation
import Testing

@testable import AltVDev

@Suite("check's alt:V doctor")
struct AltVDoctorTests {
    /// A temp alt:V server folder with these files; the doctor's findings for an altv-dev.toml there.
    func findings(_ files: [String: String], config: String = "") throws -> (folder: String, findings: [DoctorFinding]) {
        let folder = NSTemporaryDirectory() + "altv-dev-doctor-" + UUID().uuidString
        let all = files.merging(["altv-dev.toml": "[server]\ncommand = [\"x\"]\n" + config + "[watch]\npaths = [\".\"]\n"], uniquingKeysWith: { a, _ in a })
        for (name, content) in all {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }
        defer { try? FileManager.default.removeItem(atPath: folder) }
        return (folder, AltVDoctor.findings(for: try ConfigLoader.load(file: folder + "/altv-dev.toml")))
    }

    static let resource = "type = \"js\"\nmain = \"server/index.js\"\n"
    static let healthy = [
        "server.toml": "debug = true\nresources = [\"core\", \"maps/island\"]\n",
        "resources/core/resource.toml": resource, "resources/core/server/index.js": "",
        "resources/maps/island/resource.toml": resource, "resources/maps/island/server/index.js": "",
    ]

    @Test("a healthy project: nothing to say (sub-folder resources are named by their path)")
    func healthy() throws {
        #expect(try findings(Self.healthy).findings.isEmpty)
    }

    @Test("a resource folder server.toml does not name: placed at resources; \"*\" names them all")
    func unlisted() throws {
        var files = Self.healthy
        files["resources/chat/resource.toml"] = "type = \"js\"\n"
        let (folder, found) = try findings(files)
        #expect(found == [DoctorFinding(
            file: folder + "/server.toml", line: 2, column: 1,
            message: "resource chat (resources/chat) is not in resources: the server never loads it, so saving it restarts for nothing",
            fix: "add \"chat\" to resources, or ignore its folder under [watch] in altv-dev.toml")])
        files["server.toml"] = "debug = true\nresources = [\"*\"]\n"
        #expect(try findings(files).findings.isEmpty)
    }

    @Test("deps: one that names no resource is placed at its entry, a cycle is named, a dependency listed after its dependent is placed")
    func dependencies() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\", \"a\", \"b\"]\n"
        files["resources/core/resource.toml"] = Self.resource + "deps = [\"maps/island\", \"nosuch\"]\n"
        files["resources/a/resource.toml"] = Self.resource + "deps = [\"b\"]\n"
        files["resources/b/resource.toml"] = Self.resource + "deps = [\"a\"]\n"
        files["resources/a/server/index.js"] = ""
        files["resources/b/server/index.js"] = ""
        let (folder, found) = try findings(files)
        #expect(found.contains(DoctorFinding(
            file: folder + "/resources/core/resource.toml", line: 3, column: 24,
            message: "deps names \"nosuch\", which is no resource in resources: the server will not load core",
            fix: "fix the name, or create resources/nosuch/resource.toml")))
        #expect(found.contains { $0.message == "the deps form a cycle: a → b → a; the server cannot load any of them" })
        #expect(found.contains(DoctorFinding(
            file: folder + "/server.toml", line: 2, column: 14,
            message: "core is listed before maps/island, which it depends on (deps in resources/core/resource.toml)",
            fix: "list \"maps/island\" before \"core\" in resources")))
        #expect(found.contains { $0.message == "a is listed before b, which it depends on (deps in resources/a/resource.toml)" })
        #expect(found.count == 4)
    }

    @Test("a listed resource with no folder: placed at its entry; one a stage builds is not missing")
    func listedWithoutFolder() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\", \"chatt\"]\n"
        let (folder, found) = try findings(files)
        #expect(found.map(\.description) == [
            "\(folder)/server.toml:2:37: warning: resource chatt has no folder with a resource.toml in resources: the server will not start with it\n"
                + "  fix: create resources/chatt/resource.toml, or remove \"chatt\" from resources",
        ])
        let built = "[[stage]]\nname = \"build\"\ncommand = \"make\"\noutputs = [\"resources/**\"]\n"
        #expect(try findings(files, config: built).findings.isEmpty)
    }

    @Test("a resource.toml whose main or client-main is missing: placed at the value")
    func missingEntryFile() throws {
        var files = Self.healthy
        files["resources/core/resource.toml"] = "type = \"js\"\nmain = \"server/index.js\"\nclient-main = \"client/main.js\"\n"
        let (folder, found) = try findings(files)
        #expect(found.count == 1)
        #expect(found.first?.file == folder + "/resources/core/resource.toml")
        #expect(found.first?.line == 3 && found.first?.column == 1)
        #expect(found.first?.message == "client-main = \"client/main.js\": no such file in resources/core")
    }

    @Test("debug not true, useCdn, resourceContainerizerMode with restart-resources, a module not in modules/")
    func serverSettings() throws {
        var files = Self.healthy
        files["server.toml"] = """
            debug = false
            useCdn = true
            resourceContainerizerMode = true
            modules = ["js-module", "csharp-module"]
            resources = ["core", "maps/island"]
            """
        files["modules/js-module/libjs-module.so"] = ""
        let (_, found) = try findings(files, config: "on_change = \"restart-resources\"\n")
        #expect(found.map { "\($0.line):\($0.column) \($0.message.split(separator: ":")[0])" } == [
            "1:1 debug is not true", "3:1 resourceContainerizerMode = true", "2:1 useCdn = true",
            "4:25 module csharp-module is not in modules (looked for csharp-module/libcsharp-module.so, libcsharp-module.so)",
        ])
        // Containerizer mode matters only for resource restarts.
        #expect(try findings(files).findings.count == 3)
    }

    @Test("debug not set keeps its reason (the xts boilerplate, aydek's template)")
    func debugNotSet() throws {
        var files = Self.healthy
        files["server.toml"] = "resources = [\"core\", \"maps/island\"]\n"
        let found = try findings(files).findings
        #expect(found.map(\.message) == ["debug is not set: the client's auto-reconnect (POST /reconnect) only works when server and client run in debug mode"])
    }

    @Test("--config in [server] command: the file it names is the one read, not the decoy server.toml (xts boilerplate's server-dev.toml)")
    func configFlag() throws {
        var files = Self.healthy
        files["server.toml"] = "resources = [\"nosuch\"]\n"
        files["server-dev.toml"] = "debug = true\nresources = [\"core\", \"maps/island\"]\n"
        files["altv-dev.toml"] = "[server]\ncommand = [\"./altv-server\", \"--config\", \"server-dev.toml\"]\n[watch]\npaths = [\".\"]\n"
        #expect(try findings(files).findings.isEmpty)
        #expect(ServerToml.path(command: .shell("./altv-server --config=cfg/dev.toml --port 7788"), cwd: "/s") == "/s/cfg/dev.toml")
        #expect(ServerToml.path(command: .arguments(["./altv-server"]), cwd: "/s") == "/s/server.toml")
    }

    @Test("an rpf-only folder is a resource (since v15); an invalid resource.toml of a loaded resource is placed; \"*\" checks every folder")
    func resourceShapes() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nresources = [\"*\"]\n"
        files["resources/broken/resource.toml"] = "type = \"js\"\nmain = \n"
        files["resources/nomain/resource.toml"] = "type = \"js\"\nmain = \"server/gone.js\"\n"
        let (folder, found) = try findings(files)
        #expect(found.contains { $0.file == folder + "/resources/broken/resource.toml" && $0.line == 2 && $0.message.hasSuffix("the server will not load broken") })
        #expect(found.contains { $0.file == folder + "/resources/nomain/resource.toml" && $0.message.contains("server/gone.js") })
        var rpf = Self.healthy
        rpf["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\", \"cars\"]\n"
        rpf["resources/cars/dlc.rpf"] = "RPF7"
        #expect(try findings(rpf).findings.isEmpty)
    }

    @Test("a type or client-type whose module modules does not list (csharp, jsv2, jsb)")
    func moduleMismatch() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nmodules = [\"js-module\"]\nresources = [\"core\", \"maps/island\"]\n"
        files["resources/core/resource.toml"] = "type = \"csharp\"\nmain = \"server/index.js\"\nclient-type = \"jsb\"\n"
        let found = try findings(files).findings.map(\.message)
        #expect(found.contains { $0.hasPrefix("type = \"csharp\" needs csharp-module") })
        #expect(found.contains { $0.hasPrefix("client-type = \"jsb\" needs js-bytecode-module") })
        #expect(found.filter { $0.contains(" needs ") }.count == 2, "\(found)")
    }

    /// Two C# projects: MSBuild named the DLL after the project, resource.toml named another; the stage's
    /// outputs hid that for good.
    @Test("a main a stage should build: unsaid before the build, said with the stage once it ran and wrote something else")
    func mainNotBuilt() throws {
        let folder = NSTemporaryDirectory() + "altv-dev-doctor-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let files = [
            "server.toml": "debug = true\nresources = [\"gamemode\"]\nmodules = [\"csharp-module\"]\n",
            "resources/gamemode/resource.toml": "type = \"csharp\"\nmain = \"Gamemode.dll\"\n", "resources/gamemode/Other.dll": "",
            "altv-dev.toml": "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\".\"]\n[[stage]]\nname = \"dotnet\"\ncommand = \"dotnet build\"\noutputs = [\"resources/gamemode/**\"]\n",
        ]
        for (name, content) in files {
            let path = folder + "/" + name
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try Data(content.utf8).write(to: URL(fileURLWithPath: path))
        }
        let config = try ConfigLoader.load(file: folder + "/altv-dev.toml")
        #expect(!AltVDoctor.findings(for: config).contains { $0.message.contains("Gamemode.dll") })
        let after = AltVDoctor.unbuiltEntryFiles(directory: config.directory, server: config.server, stages: config.stages)
        #expect(after == [DoctorFinding(
            file: folder + "/resources/gamemode/resource.toml", line: 2, column: 1,
            message: "main = \"Gamemode.dll\": no such file in resources/gamemode; it was not written by stage dotnet, which ran",
            fix: "make dotnet write resources/gamemode/Gamemode.dll (see what it wrote there), or point main at the file it builds")])
        // The initial start's plan checks once its stages ran; a change's plan does not.
        #expect(Planner.plan(for: .initialStart, config: config, server: .notRunning).actions.prefix(2) == [.runStages(["dotnet"]), .checkBuiltFiles])
        #expect(!Planner.plan(for: .changes(ChangeSet(paths: [folder + "/x.cs"])), config: config, server: .notRunning).actions.contains(.checkBuiltFiles))
    }

    @Test("a resource that POSTs /reconnect itself (altv-typescript's dbg_reconnect) is named at its entry, unless altv-dev's reconnect is off")
    func ownReconnect() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\", \"dbg_reconnect\"]\n"
        files["resources/dbg_reconnect/resource.toml"] = "type = \"js\"\nmain = \"server/startup.js\"\n"
        files["resources/dbg_reconnect/server/startup.js"] = "import './reconnect.js';\n"
        files["resources/dbg_reconnect/server/reconnect.js"] = "const DEBUG_PORT = 9223;\nawait fetch(`http://127.0.0.1:${DEBUG_PORT}/reconnect`, { method: 'POST' });\n"
        let (folder, found) = try findings(files)
        #expect(found == [DoctorFinding(
            file: folder + "/server.toml", line: 2, column: 37,
            message: "resource dbg_reconnect reconnects the game client itself (resources/dbg_reconnect/server/reconnect.js calls /reconnect on port 9223): with altv-dev's reconnect the client gets two",
            fix: "remove \"dbg_reconnect\" from resources while you use altv-dev, or set [reconnect] enabled = false in altv-dev.toml")])
        let off = try findings(files.merging(["altv-dev.toml": "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\".\"]\n[reconnect]\nenabled = false\n"]) { $1 })
        #expect(off.findings.isEmpty)
    }

    @Test("source maps beside the built code with [js-module] source-maps off: suggested at [js-module]; on: nothing")
    func sourceMaps() throws {
        var files = Self.healthy
        files["resources/core/server/index.js.map"] = "{}"
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\"]\n[js-module]\nextra-cli-args = []\n"
        let (folder, found) = try findings(files)
        #expect(found == [DoctorFinding(
            file: folder + "/server.toml", line: 3, column: 1,
            message: "the build writes source maps (resources/core/server/index.js.map), but [js-module] source-maps is not true: errors point into the built file",
            fix: "add source-maps = true under [js-module] in server.toml")])
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\"]\n[js-module]\nsource-maps = true\n"
        #expect(try findings(files).findings.isEmpty)
    }

    @Test("a resource with only resource.cfg (before v13) is said as such")
    func resourceCfg() throws {
        var files = Self.healthy
        files["server.toml"] = "debug = true\nresources = [\"core\", \"maps/island\", \"legacy\"]\n"
        files["resources/legacy/resource.cfg"] = "type: js,\nmain: server.js\n"
        let found = try findings(files).findings
        #expect(found.count == 1 && found[0].message.hasPrefix("resource legacy has a resource.cfg, alt:V's manifest before v13"))
    }
}
