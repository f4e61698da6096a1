import AltVDev
import Foundation
import Glibc
import Testing

/// What the real alt:V server does (shared/altv/README.md, "Measured on real server builds"), on
/// the simulator that behaves like it, and what altv-dev makes of it.
@Suite("The real server's behaviour")
struct RealServerBehaviourTests {
    /// `other`, and `dependent` with `deps = ["other"]`, loaded before core.
    func withDependents(_ project: TestProject) {
        project.write("server.toml", """
            name = "test server"
            host = "127.0.0.1"
            port = \(project.serverPort)
            password = "\(project.password)"
            debug = true
            resources = ["other", "dependent", "core"]
            """)
        for (name, deps) in [("other", ""), ("dependent", "deps = [\"other\"]\n")] {
            project.write("resources/\(name)/resource.toml", "type = \"js\"\nmain = \"server/index.js\"\n" + deps)
            project.write("resources/\(name)/server/index.js", "import * as alt from \"alt-server\";\n")
        }
    }

    @Test("output = \"pipe\": the server's C stdio holds the ready line back (stdbuf -oL lets it out); a pseudo-terminal, the default, delivers it at once")
    func pipeHoldsBackTheReadyLine() async throws {
        try await withProject { project in
            project.writeConfig(server: ["output": "\"pipe\"", "ready_timeout": "\"2s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "no line matched /Server started/ within 2.00s"))
            // Not one of the server's lines came through the pipe: they wait in its 4 KiB buffer.
            #expect(watch.log.lines.filter { $0.hasPrefix("[server] ") } == [])
            await project.stopAndExpectNothingLeft(watch)
            // At its exit the server flushes: the ready line came, too late.
            #expect(watch.log.count(containing: "[server] ") > 5)
            let ready = watch.log.lines.firstIndex { $0.hasPrefix("[server] ") && $0.contains("Server started") }
            #expect(ready ?? .max > watch.log.lines.firstIndex { $0.contains("no line matched") } ?? .max)
        }
        try await withProject { project in
            let command = ["stdbuf", "-oL", Binary.path, "sim", "server", "--startup-delay", "50ms"].map { "\"\($0)\"" }.joined(separator: ", ")
            project.writeConfig(server: ["output": "\"pipe\"", "command": "[\(command)]", "ready_timeout": "\"20s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            await project.stopAndExpectNothingLeft(watch)
        }
        try await withProject { project in
            project.writeConfig(server: ["ready_timeout": "\"20s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · start→ready"))
            await project.stopAndExpectNothingLeft(watch)
            #expect(project.events().contains { $0["event"] as? String == "server.ready" })
        }
    }

    @Test("a resource whose code throws at load: ✗ with Node's lines, the server and the client carry on; the fix is `start`ed")
    func failedLoadAtStart() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            project.write("resources/chat/server/index.js", "import * as alt from \"alt-server\";\nthrow new Error(\"boom at load\");\n")
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnectURL: url)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✗ #1 start · start→ready "))
            let verdict = watch.log.lines.first { $0.contains("✗ #1 start") } ?? ""
            #expect(verdict.contains("failed to load resource chat · the server runs without it"), "\(verdict)")
            #expect(watch.log.count(containing: "resource chat failed to load:") == 1)
            #expect(watch.log.count(containing: "│ Error: boom at load") == 1)
            #expect(watch.log.count(containing: "│     at file://\(project.path("resources/chat/server/index.js")):2:1") == 1)
            // The rest of the server runs, and the game client joins it.
            #expect(await watch.log.wait(for: "✓ client #1: reconnected"))
            #expect(await client.log.wait(for: "password accepted"))
            let pid = try #require(watch.log.serverPID)

            // The failed load unloaded it: `restart chat` would be refused, so `start chat` is typed.
            project.write("resources/chat/server/index.js", "import * as alt from \"alt-server\";\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js · restarted resource chat in "))
            #expect(watch.log.count(containing: "No such resource") == 0)
            #expect(watch.log.serverStarts == 1 && watch.log.serverPID == pid)
            await project.stopAndExpectNothingLeft(watch)
            let finished = project.events().first { $0["event"] as? String == "cycle.finished" }
            #expect(finished?["result"] as? String == "failed" && finished?["failed_resources"] as? [String] == ["chat"])
            let failed = project.events().first { $0["event"] as? String == "resource.failed" }
            #expect((failed?["lines"] as? [String])?.first == "Error: boom at load")
        }
    }

    @Test("dependents: a change to a resource and its dependent is one restart, ✓ names both; a dependent that does not come back is ✗")
    func dependents() async throws {
        try await withProject { project in
            withDependents(project)
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.append("resources/dependent/server/index.js", "// edit\n")
            project.append("resources/other/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/dependent/server/index.js (+1 more) · restarted resource other (+ dependent) in "))
            // The server stopped and loaded dependent itself: one restart each, none typed twice.
            #expect(watch.log.count(containing: "Stopping resource other") == 1)
            #expect(watch.log.count(containing: "Stopping resource dependent") == 1)
            #expect(watch.log.count(containing: "Loaded resource dependent") == 2)

            // The dependent breaks in the same burst: other comes back, dependent does not.
            project.write("resources/dependent/server/index.js", "throw new Error(\"dependent is broken\");\n")
            project.append("resources/other/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✗ #3 "))
            let verdict = watch.log.lines.first { $0.contains("✗ #3 ") } ?? ""
            #expect(verdict.contains("restarted resource other in ") && verdict.contains("failed to load resource dependent"), "\(verdict)")
            #expect(watch.log.count(containing: "│ Error: dependent is broken") == 1)
            #expect(watch.log.serverStarts == 1)
            await project.stopAndExpectNothingLeft(watch)
            let restarted = project.events().first { $0["event"] as? String == "resources.restarted" }
            #expect(restarted?["resources"] as? [String] == ["other", "dependent"])
        }
    }

    @Test("a save while the server starts never cancels the start: ready, reconnect, then the change as its own cycle")
    func changeDuringStart() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            // The write comes from the server's own start, as a watch-mode compiler's would: no test timing in it.
            let server = "echo '// written at start' >> resources/core/server/index.js; exec '\(Binary.path)' sim server --startup-delay 1500ms"
            project.writeConfig(server: ["on_change": "\"restart-resources\"", "command": "\"\(server)\""], reconnectURL: url)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "change: resources/core/server/index.js → queued until cycle #1 ends (a start or resource restart is never cut off)"))
            #expect(await watch.log.wait(for: "✓ #1 start · start→ready "))
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · restarted resource core in "))
            #expect(await watch.log.wait(for: "✓ client #1: reconnected"))
            #expect(await client.log.wait(for: "password accepted"))
            #expect(watch.log.serverStarts == 1)
            // #2's restart waited for the start: no `Loaded resource core` of the restart before the ready line.
            let lines = watch.log.lines
            let ready = lines.firstIndex { $0.contains("Server started") } ?? .max
            #expect(lines.firstIndex { $0.contains("Stopping resource core") } ?? -1 > ready)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a client the server refuses (a wrong password) is ✗ on its own line, after a cycle that worked")
    func refusedJoin() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            project.writeConfig(reconnectURL: url, reconnect: ["password": "\"not-the-password-1\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            // Said at start, once, without either password.
            #expect(watch.log.count(containing: "the reconnect password (reconnect.password in altv-dev.toml) is not the one in server.toml") == 1)
            #expect(!watch.log.text.contains("not-the-password-1") && !watch.log.text.contains(project.password))
            #expect(await watch.log.wait(for: "✗ client #1: the game client went back to MAIN_MENU instead of joining"))
            #expect(client.log.count(containing: "DENIED wrong password") == 1)
            // The events file is complete once altv-dev has stopped.
            await project.stopAndExpectNothingLeft(watch)
            let failed = project.events().first { $0["event"] as? String == "client.failed" }
            #expect(failed?["refused"] as? Bool == true && failed?["cycle"] as? Int == 1)
            #expect(!project.events().contains { $0["event"] as? String == "client.reconnected" })
        }
    }

    @Test("the simulator's console answers as the real one: cascade, not loaded, usage, already loaded, stop keeps dependents stopped")
    func consoleAnswers() async throws {
        try await withProject { project in
            withDependents(project)
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            let server = try project.launch(["sim", "server", "--startup-delay", "10ms"], standardInput: fds[0])
            close(fds[0])
            let commands = "restart other\nrestart nosuch\nrestart\nrestart a b\nstart core\nstop other\nhelp\nstart dependent\nquit\n"
            _ = commands.withCString { write(fds[1], $0, strlen($0)) }
            close(fds[1])
            #expect(await server.waitForExit() == .exited(0))
            let lines = server.log.lines.map { $0.drop { $0 != "]" }.dropFirst() }.map { String($0) }
            let expected = [
                " alt:V Server, build #1286, branch release",
                "[Warning] For changes in permissions, restarting server is required for changes to apply",
                " Stopping resource other", " Stopping resource dependent", " Stopped resource dependent", " Stopped resource other",
                " Loading resource other", " Loaded resource other", " Loading resource dependent", " Loaded resource dependent",
                "[Error] No such resource nosuch is loaded", "  Usage: restart [resourcename]", "  Usage: restart [resourcename]",
                "[Warning] Resource already loaded",
                " Stopping resource other", " Stopping resource dependent", " Stopped resource dependent", " Stopped resource other",
                " Loading resource other", " Loaded resource other", " Loaded resource dependent",
                " Server shutdown",
            ]
            // In this order, each once after the start (help prints nothing).
            var at = lines.firstIndex(of: " Server started") ?? 0
            for line in expected.dropFirst() {
                let found = lines[at...].firstIndex(of: line)
                #expect(found != nil, "\(line) after line \(at):\n\(lines.joined(separator: "\n"))")
                at = found ?? at
            }
            #expect(lines.first == expected.first)
            // Every line is the server's own, timestamped (its colour codes are stripped in this log).
            #expect(server.log.lines.allSatisfy { $0.isEmpty || $0.hasPrefix("[") })
        }
    }

    @Test("a SIGINT in the simulator's first moments stops it, as the real server's SIGINT does (it was once lost)")
    func earlySignal() async throws {
        try await withProject { project in
            for _ in 0..<10 {
                let server = try project.launch(["sim", "server", "--startup-delay", "10ms"])
                server.signal(SIGINT)
                let status = await server.waitForExit(timeout: .seconds(10))
                // Before its own handler runs, the default action ends it; after, it shuts down cleanly.
                #expect(status == .exited(0) || status == .signaled(SIGINT), "\(String(describing: status))")
                if status == nil { server.killGroup() }
            }
        }
    }

    @Test("a port already taken: `Failed to create host`, then `terminate called without an active exception` and SIGABRT (134)")
    func portTaken() async throws {
        try await withProject { project in
            let holder = try ListeningSocket(port: project.serverPort)
            defer { holder.close() }
            let server = try project.launch(["sim", "server", "--startup-delay", "10ms"])
            #expect(await server.waitForExit() == .signaled(SIGABRT))
            #expect(server.log.count(containing: "[Error] Failed to create host, make sure") == 1)
            #expect(server.log.lines.last { !$0.isEmpty } == "terminate called without an active exception")
        }
    }
}
