import Foundation
import Glibc
import Testing

@testable import AltVDev

/// The FXServer platform on the simulated FXServer (`altv-dev sim fxserver`, behaving as
/// shared/fivem/README.md describes the real one): the scenarios alt:V's loop passes.
@Suite("FXServer (FiveM): the loop's scenarios on the simulated FXServer")
struct FXServerTests {
    /// A server-data folder: server.cfg ensuring core and chat (in a category, depending on core).
    static func writeServerData(_ project: TestProject, serverFlags: [String] = [], onChange: String = "restart-resources") {
        project.write("server.cfg", """
            # the game port, moved to this test's own
            endpoint_add_tcp "127.0.0.1:\(project.serverPort)"
            sv_lan 1
            ensure core
            exec extra.cfg
            """)
        project.write("extra.cfg", "ensure chat\n")
        project.write("resources/core/fxmanifest.lua", "fx_version 'cerulean'\ngame 'gta5'\nserver_script 'server.lua'\n")
        project.write("resources/core/server.lua", "print(\"core is up\")\n")
        project.write("resources/[gameplay]/chat/fxmanifest.lua", "fx_version 'cerulean'\ngame 'gta5'\nserver_script 'server.lua'\ndependency 'core'\n")
        project.write("resources/[gameplay]/chat/server.lua", "print(\"chat is up\")\n")
        let command = ([Binary.path, "sim", "fxserver", "--startup-delay", "50ms"] + serverFlags + ["+exec", "server.cfg"]).map { "\"\($0)\"" }
        project.write("altv-dev.toml", """
            [server]
            platform = "fivem"
            command = [\(command.joined(separator: ", "))]
            on_change = "\(onChange)"
            stop_timeout = "5s"

            [watch]
            paths = ["."]
            debounce = "100ms"
            """)
    }

    static func events(_ project: TestProject, _ name: String) -> [[String: Any]] {
        project.events().filter { $0["event"] as? String == name }
    }

    static func starts(_ project: TestProject) -> Int { events(project, "server.started").count }

    @Test("[reconnect] command runs after each start's ready line, and the cycle line says so; without one it says there is none")
    func reconnectCommand() async throws {
        try await withProject { project in
            Self.writeServerData(project)
            project.append("altv-dev.toml", "\n[reconnect]\ncommand = \"echo connecting the game to the server\"\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let first = watch.log.lines.first { $0.contains("✓ #1 start") } ?? ""
            #expect(first.hasSuffix("· reconnect by echo connecting the game to the server"), "\(first)")
            #expect(await watch.log.wait(for: "[reconnect] connecting the game to the server"))
            #expect(await watch.log.wait(for: "✓ client #1: ran echo connecting the game to the server in "))
            project.append("server.cfg", "# a full restart\n")
            #expect(await watch.log.wait(for: "✓ client #2: ran echo"))
            // A resource restart needs none: the server sends the client the new files.
            project.append("resources/core/server.lua", "print(\"again\")\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/core/server.lua"))
            #expect(!(watch.log.lines.first { $0.contains("✓ #3") } ?? "").contains("reconnect"))
            await project.stopAndExpectNothingLeft(watch)
            let commands = Self.events(project, "client.command")
            #expect(commands.map { $0["cycle"] as? Int } == [1, 2] && commands.allSatisfy { $0["ok"] as? Bool == true }, "\(commands)")
        }
        try await withProject { project in
            Self.writeServerData(project)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(watch.log.lines.contains { $0.contains("✓ #1 start") && $0.hasSuffix("· no reconnect ([reconnect] command is not set)") })
            await project.stopAndExpectNothingLeft(watch)
        }
        // A command that never ends is stopped at the reconnect timeout, and said as a failure.
        try await withProject { project in
            Self.writeServerData(project)
            project.append("altv-dev.toml", "\n[reconnect]\ncommand = [\"sleep\", \"300\"]\ntimeout = \"1s\"\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✗ client #1: sleep 300 was still running after 1.00s: stopped"))
            await project.stopAndExpectNothingLeft(watch)
            #expect(Self.events(project, "client.command").first?["ok"] as? Bool == false)
        }
    }

    @Test("start: +exec server.cfg, the ready helper's first tick is ready; a resource restart is `ensure`; a script error starts the resource and fails the cycle")
    func startAndRestart() async throws {
        try await withProject { project in
            Self.writeServerData(project)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(watch.log.count(containing: "Started resource altv-dev-ready") == 1)
            let helper = project.path("resources/[altv-dev]/altv-dev-ready/fxmanifest.lua")
            #expect(FileManager.default.fileExists(atPath: helper))
            #expect(Self.events(project, "watch.started").first?["platform"] as? String == "fivem")

            project.append("resources/core/server.lua", "print(\"core edited\")\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server.lua · restarted resource core (+ chat)"))
            // FXServer leaves chat stopped with core; altv-dev ensures it again.
            #expect(watch.log.count(containing: "Started resource chat") == 2, "\(watch.log.text)")

            project.write("resources/[gameplay]/chat/server.lua", "local x SYNTAX ERROR\n")
            #expect(await watch.log.wait(for: "✗ #3 resources/[gameplay]/chat/server.lua"))
            // A runtime error in a handler: a diagnostic at its file and line.
            project.write("resources/core/server.lua", "print(\"core is up\")\nerror(\"attempt to index a nil value\")\n")
            #expect(await watch.log.wait(for: "SCRIPT ERROR: @core/server.lua:2: attempt to index a nil value"))
            #expect(Self.starts(project) == 1)
            await project.stopAndExpectNothingLeft(watch)
            let diagnostics = Self.events(project, "diagnostic")
            let parse = diagnostics.first { $0["resource"] as? String == "chat" }
            #expect(parse?["file"] as? String == "resources/[gameplay]/chat/server.lua" && parse?["line"] as? Int == 1, "\(diagnostics)")
            let runtime = diagnostics.first { $0["message"] as? String == "attempt to index a nil value" }
            #expect(runtime?["file"] as? String == "resources/core/server.lua" && runtime?["line"] as? Int == 2, "\(diagnostics)")
            let failed = Self.events(project, "resource.failed").last
            #expect(failed?["resource"] as? String == "chat")
            #expect((failed?["lines"] as? [String])?.first?.contains("Error parsing script @chat/server.lua in resource chat") == true, "\(failed ?? [:])")
            #expect(watch.log.count(containing: "-> Quitting: stopped by altv-dev") == 1, "the server was asked to quit first")
        }
    }

    @Test("a changed fxmanifest.lua or a new resource folder is `refresh` before `ensure`; server.cfg is a full restart")
    func manifestsAndFullRestart() async throws {
        try await withProject { project in
            Self.writeServerData(project)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))

            project.write("resources/core/fxmanifest.lua", "fx_version 'cerulean'\ngame 'gta5'\nserver_scripts { 'server.lua', 'more.lua' }\n")
            project.write("resources/core/more.lua", "print(\"more of core\")\n")
            #expect(await watch.log.wait(for: "✓ #2 "))
            #expect(await watch.log.wait(for: "more of core"), "the new manifest was read: refresh came first")
            #expect(watch.log.count(containing: "refreshed") == 1)

            // Made whole beside, then moved in (as a copy or a checkout lands): a folder with no manifest yet is no resource.
            let beside = project.root + "-fresh"
            try FileManager.default.createDirectory(atPath: beside, withIntermediateDirectories: true)
            try "fx_version 'cerulean'\ngame 'gta5'\nserver_script 's.lua'\n".write(toFile: beside + "/fxmanifest.lua", atomically: false, encoding: .utf8)
            try "print(\"fresh is up\")\n".write(toFile: beside + "/s.lua", atomically: false, encoding: .utf8)
            try FileManager.default.moveItem(atPath: beside, toPath: project.path("resources/fresh"))
            #expect(await watch.log.wait(for: "✓ #3 "), "\(watch.log.text)")
            #expect(await watch.log.wait(for: "fresh is up"), "\(watch.log.text)")
            #expect(watch.log.count(containing: "Couldn't find resource fresh") == 0)
            #expect(Self.starts(project) == 1)

            project.append("extra.cfg", "# a comment\n")
            #expect(await watch.log.wait(for: "✓ #4 extra.cfg"))
            #expect(Self.starts(project) == 2)
            #expect(watch.log.count(containing: "-> Quitting: stopped by altv-dev") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a crash is reported with its exit status and last lines; a bad +exec-less command is refused at its place")
    func crashAndCommand() async throws {
        try await withProject { project in
            Self.writeServerData(project, serverFlags: ["--exit-after", "300ms"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await watch.log.wait(for: "exited with status 1"))
            #expect(await watch.log.wait(for: "Segmentation fault (simulated crash)"))
            await project.stopAndExpectNothingLeft(watch)

            project.write("altv-dev.toml", """
                [server]
                platform = "fivem"
                command = ["./run.sh"]
                [watch]
                paths = ["resources"]
                """)
            let check = try project.launch(["check"])
            #expect(await check.waitForExit() == .exited(2))
            #expect(check.log.text.contains("altv-dev.toml:3:11: error: server.command: FXServer started without +exec runs txAdmin"), "\(check.log.text)")
        }
    }
}
