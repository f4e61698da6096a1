import AltVDev
import Foundation
import Glibc
import Testing

/// `altv-dev watch` on the real binary: real inotify, processes, signals and loopback HTTP.
@Suite("altv-dev watch, end to end")
struct WatchLoopTests {
    @Test("a save gives one restart, the ready line, then a reconnect with the password")
    func saveRestartsAndReconnects() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            project.writeConfig(reconnectURL: url)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await client.log.wait(for: "password accepted"))
            // The reconnect is judged once the client is in the game: a save before that would cancel it.
            #expect(await watch.log.wait(for: "✓ client #1: reconnected"))

            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · stop "))
            #expect(await client.log.wait(for: "password accepted", count: 2))
            let cycle = watch.log.lines.first { $0.contains("✓ #2") } ?? ""
            #expect(cycle.contains("start→ready"))
            // The reconnect is its own line, after the cycle's verdict, once the client is in the game.
            #expect(await watch.log.wait(for: "✓ client #2: reconnected (was "))
            let lines = watch.log.lines
            #expect((lines.firstIndex { $0.contains("✓ #2 resources") } ?? .max) < (lines.firstIndex { $0.contains("✓ client #2:") } ?? -1))
            // The client lost the old server, then joined the new one with the right password.
            #expect(client.log.count(containing: "lost connection to the server") >= 1)
            #expect(client.log.count(containing: "server refused") == 0)
            #expect(watch.log.count(containing: "Server shutdown") == 1)
            #expect(watch.log.count(containing: "[server] ") > 10)
            #expect(!watch.log.text.contains(project.password))

            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.cycles(of: "client.reconnected") == [1, 2])
            #expect(facts.named("server.stopped").count == 1 && facts.results == ["ok", "ok"])
        }
    }

    @Test("50 saves in a burst give one restart")
    func burstIsOneRestart() async throws {
        try await withProject { project in
            let (_, url) = try await project.startClient()
            // A quiet period no loaded machine stretches 50 appends beyond: the burst is one burst.
            project.writeConfig(watch: ["debounce": "\"1s\""], reconnectURL: url)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            for i in 0..<50 { project.append("resources/core/server/index.js", "// save \(i)\n") }
            #expect(await watch.log.wait(for: "✓ #2"))
            // One more save after the burst: if the burst had made two cycles, this would be #4.
            project.append("resources/chat/server/index.js", "// after the burst\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/chat/server/index.js ·"))
            #expect(watch.log.serverStarts == 3)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.triggers == ["start", "change", "change"])
            #expect(facts.named("server.started").count == 3 && facts.named("server.stopped").count == 2)
        }
    }

    @Test("with no stages, the stop begins at a burst's first save; the new server starts once it is quiet")
    func stopBeginsAtFirstSave() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"1s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · stop "))
            // The server was told to stop, and had stopped, before the quiet period ended and the cycle began.
            let lines = watch.log.lines
            let change = try #require(lines.firstIndex { $0.contains("change: ") })
            let signalled = try #require(lines.lastIndex { $0.contains("stopping server (SIGINT to process group") })
            let shutdown = try #require(lines.lastIndex { $0.contains("Server shutdown") })
            #expect(signalled < change && shutdown < change)
            #expect(watch.log.serverStarts == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("with a stage, the server keeps running until the stage has passed")
    func stageRunsBeforeTheStop() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"300ms\""], reconnect: ["enabled": "false"],
                extra: "[[stage]]\nname = \"build\"\ncommand = \"echo built-it\"\n")
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            let lines = watch.log.lines
            let built = try #require(lines.lastIndex { $0.contains("built-it") })
            let signalled = try #require(lines.lastIndex { $0.contains("stopping server (SIGINT to process group") })
            #expect(built < signalled)
            #expect(watch.log.count(containing: "stopping the server while the changes settle") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("idle, the watcher's thread sleeps until an event: no wake-ups of its own")
    func watcherIdleIsIdle() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let thread = try #require(try FileManager.default.contentsOfDirectory(atPath: "/proc/\(watch.pid)/task").first {
                ProcFile.text("/proc/\(watch.pid)/task/\($0)/comm")?.hasPrefix("altv-dev inotif") == true
            })
            func wakeUps() -> String? {
                ProcFile.text("/proc/\(watch.pid)/task/\(thread)/status")?.split(separator: "\n").first { $0.hasPrefix("voluntary_ctxt_switches") }.map(String.init)
            }
            let before = wakeUps()
            // The window measured, not a wait for something: a thread on a 1 s timeout would wake twice in it.
            try await Task.sleep(for: .milliseconds(2500))
            #expect(before != nil && wakeUps() == before)
            // And it still hears a save.
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a file in a folder created just before it restarts the server and is named")
    func newSubfolder() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            // mkdir and write at once: the new folder's watch arrives after the file does.
            project.write("resources/maps/deep/er/island.js", "export const island = 1;\n")
            // A slow writer can split this into two change sets; the later one cancels the first.
            #expect(await watch.log.wait(for: "resources/maps/deep/er/island.js"))
            #expect(await watch.log.wait(for: "✓ #", count: 2))
            // The new folder is watched from now on.
            project.append("resources/maps/deep/er/island.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #", count: 3))
            #expect(watch.log.lines.last { $0.contains("✓ #") }?.contains(" resources/maps/deep/er/island.js ·") == true)
        }
    }

    @Test("ignored paths, editor swap files and logs start no restart")
    func ignoredPathsDoNotRestart() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["ignore": "[\"node_modules/\", \"*.log\", \"dist/\"]"], reconnect: ["enabled": "false"])
            project.write("resources/core/node_modules/big/index.js", "x\n")
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.write("resources/core/node_modules/big/index.js", "changed\n")
            project.write("resources/core/node_modules/new/a.js", "new\n")
            project.write("resources/core/debug.log", "log line\n")
            project.write("resources/core/dist/bundle.js", "bundle\n")
            project.write("resources/core/server/.index.js.swp", "swap\n")
            project.write("resources/core/server/index.js~", "backup\n")
            project.write("resources/core/server/4913", "")
            project.write("resources/core/server/index.js___jb_tmp___", "tmp\n")
            // The sentinel: the next cycle must be #2 and name this file alone.
            project.append("resources/chat/client/index.js", "// sentinel\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/client/index.js ·"))
            #expect(watch.log.count(containing: "node_modules") == 0)
            #expect(watch.log.count(containing: ".swp") == 0)
            #expect(watch.log.count(containing: "debug.log") == 0)
        }
    }

    @Test("a server that ignores its stop signal is killed after stop_timeout")
    func stubbornServerIsKilled() async throws {
        try await withProject { project in
            project.writeConfig(
                serverFlags: ["--ignore-signals"], server: ["stop_signal": "\"SIGTERM\"", "stop_timeout": "\"400ms\""],
                reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            #expect(watch.log.count(containing: "did not stop within 400ms of SIGTERM: killed its process group with SIGKILL") == 1)
            let cycle = watch.log.lines.first { $0.contains("✓ #2") } ?? ""
            let stop = cycle.split(separator: " · ").first { $0.hasPrefix("stop ") }.map { String($0.dropFirst(5)) } ?? ""
            #expect((DurationParser.parse(stop) ?? .zero) >= .milliseconds(400), "\(cycle)")
            watch.signal(SIGTERM)
            #expect(await watch.waitForExit() == .exited(0))
            #expect(await project.waitForNoSurvivors() == [])
        }
    }

    @Test("a child the server started is gone after a restart")
    func serverChildIsGone() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--spawn-child"], server: ["stop_timeout": "\"300ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let line = watch.log.lines.first { $0.contains("Started helper process") } ?? ""
            let helper = pid_t(line.split(separator: " ").last ?? "") ?? 0
            #expect(helper > 0)
            #expect(kill(helper, 0) == 0)
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            #expect(kill(helper, 0) == -1 && errno == ESRCH)
        }
    }

    @Test("a server that crashes on start is reported once with its last lines, and not restarted in a loop")
    func crashIsReported() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--crash-on-start"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "waiting for a change to start it again"))
            #expect(await watch.log.wait(for: "✗ #1"))
            #expect(watch.log.showsFailureOnce("Aborted (core dumped)", of: "server", verdict: "error: server "))
            #expect(watch.log.count(containing: "Aborted (core dumped)") == 1)
            #expect(watch.log.serverStarts == 1)
            project.append("resources/core/server/index.js", "// fix attempt\n")
            #expect(await watch.log.wait(for: "✗ #2"))
            #expect(watch.log.serverStarts == 2)
            // The cycle's ✗ can come before the exit is said (and recorded): stopping waits for that.
            #expect(await watch.log.wait(for: "waiting for a change to start it again", count: 2))
            let facts = await project.stopAndReadEvents(watch)
            // Each start crashed, each was said once, and none was restarted by altv-dev on its own.
            #expect(facts.triggers == ["start", "change"])
            #expect(facts.results == ["failed", "failed"])
            #expect(facts.named("server.exited").map { $0["signal"] as? String } == ["SIGABRT", "SIGABRT"])
        }
    }

    @Test("no ready line within ready_timeout: said once, the server keeps running")
    func readyTimeout() async throws {
        try await withProject { project in
            project.writeConfig(server: ["ready": "\"Never printed\"", "ready_timeout": "\"300ms\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "no line matched /Never printed/ within 300ms; the server keeps running"))
            // On a loaded machine the timeout can come before the server got this far.
            #expect(await watch.log.wait(for: "Server started"))
            let line = watch.log.lines.first { $0.contains("Main thread started (ThreadId: ") } ?? ""
            let server = pid_t(line.split(separator: " ").last?.dropLast() ?? "") ?? 0
            #expect(server > 0 && kill(server, 0) == 0, "\(line)")
            #expect(watch.log.count(containing: "POST") == 0)
        }
    }

    @Test("the verdict comes at ready; a new change set cancels the reconnect still running and restarts at once")
    func changeCancelsReconnect() async throws {
        try await withProject { project in
            let (_, url) = try await project.startClient(state: "LOADING")
            project.writeConfig(reconnectURL: url, reconnect: ["timeout": "\"40s\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "game client is LOADING; waiting for MAIN_MENU or IN_GAME"))
            // The cycle's verdict does not wait 40 s for the client: it came at ready, and it is no failure.
            #expect(await watch.log.wait(for: "✓ #1 start · start→ready"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "game client is LOADING; waiting for MAIN_MENU or IN_GAME", count: 2))
            #expect(watch.log.serverStarts == 2)
            // The first reconnect was cancelled by the new change, not reported as a failure.
            #expect(watch.log.count(containing: "client #1:") == 0)
            #expect(!project.events().contains { $0["event"] as? String == "client.failed" })
        }
    }

    @Test("no game client: said once with what to check; the cycle is the server ready, the client not connected")
    func unreachableClient() async throws {
        try await withProject { project in
            let port = try FreePort.find()
            project.writeConfig(reconnectURL: "http://127.0.0.1:\(port)", reconnect: ["timeout": "\"1s\""])
            // --verbose, to see the second cycle's give-up, which is said only there.
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await watch.log.wait(for: "server ready · waiting for the game client"))
            #expect(watch.log.count(containing: "warning: game client at http://127.0.0.1:\(port) ") == 1)
            #expect(watch.log.count(containing: "retrying every 200ms for up to 1.00s") == 1)
            #expect(watch.log.count(containing: "debug = true` is set in the client's altv.toml") == 1)
            // The reconnect goes on after the verdict, and ends in its own line.
            #expect(await watch.log.wait(for: "warning: client #1: gave up reconnecting after 1.00s"))
            // The game is still away: the next cycle says nothing new about it (only with --verbose).
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            #expect(await watch.log.wait(for: "debug: client #2: gave up reconnecting after 1.00s"))
            #expect(watch.log.count(containing: "server ready · waiting for the game client") == 2)
            #expect(watch.log.count(containing: "warning: game client at") == 1)
            #expect(watch.log.count(containing: "warning: client #") == 1)
            #expect(watch.log.count(containing: "debug = true` is set in the client's altv.toml") == 1)
            #expect(watch.log.count(containing: "✗") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a server that exits right after its ready line fails its cycle every time, and no reconnect is sent once that is known")
    func exitRightAfterReady() async throws {
        try await withProject { project in
            // The game takes 300 ms to answer /status: the exit is known long before a POST could go out.
            let (client, url) = try await project.startClient(extra: ["--status-delay", "300ms"])
            project.writeConfig(serverFlags: ["--exit-after", "0ms"], reconnectURL: url)
            let watch = try project.launch(["watch"])
            for cycle in 1...4 {
                if cycle > 1 { project.append("resources/core/server/index.js", "// edit \(cycle)\n") }
                #expect(await watch.log.wait(for: "✗ #\(cycle) "))
                let line = watch.log.lines.first { $0.contains("✗ #\(cycle) ") } ?? ""
                #expect(line.range(of: #"server exited with status 1 \d+(\.\d+)?m?s after it was ready"#, options: .regularExpression) != nil, "\(line)")
            }
            #expect(watch.log.count(containing: "✓") == 0)
            // The crash's own last line may come after its verdict (the exit is known first).
            #expect(await watch.log.wait(for: "Segmentation fault (simulated exit)", count: 4))
            #expect(client.log.count(containing: "reconnect requested") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("the password is never printed, even with --verbose, and the server does not inherit its variable")
    func passwordStaysSecret() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            project.writeConfig(reconnectURL: url, reconnect: ["password_env": "\"TEST_ALTV_PASSWORD\""])
            let watch = try project.launch(["watch", "--verbose"], environment: ["TEST_ALTV_PASSWORD": project.password])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(await client.log.wait(for: "password accepted"))
            #expect(watch.log.count(containing: "password from $TEST_ALTV_PASSWORD") == 1)
            let line = watch.log.lines.first { $0.contains("server started (pid ") } ?? ""
            let pid = line.split(separator: "(pid ").last?.split(separator: ")").first.map(String.init) ?? ""
            let environ = Data(ProcFile.read("/proc/\(pid)/environ") ?? [])
            #expect(!environ.isEmpty)
            #expect(!String(decoding: environ, as: UTF8.self).contains(project.password))
            let arguments = Data(ProcFile.read("/proc/\(pid)/cmdline") ?? [])
            #expect(!arguments.isEmpty)
            #expect(!String(decoding: arguments, as: UTF8.self).contains(project.password))
            #expect(!watch.log.text.contains(project.password))
        }
    }
}

@Suite("Masking the password without mangling output")
struct PasswordMaskingTests {
    /// Gives the project's server.toml another password.
    private func usePassword(_ password: String, in project: TestProject) {
        project.write("server.toml", """
            name = "test server"
            host = "127.0.0.1"
            port = \(project.serverPort)
            password = "\(password)"
            debug = true
            resources = ["core", "chat"]
            """)
    }

    @Test("a password too short to mask leaves altv-dev's lines and the server's output whole, with one warning", arguments: ["altv", "pw"])
    func shortPassword(_ password: String) async throws {
        try await withProject { project in
            usePassword(password, in: project)
            let folder = "bar-\(password)-x"
            project.writeConfig(reconnect: ["enabled": "false"], extra: "[[stage]]\nname = \"say-\(password)\"\ncommand = \"echo /srv/\(folder)/\(password)\"\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(watch.log.count(containing: "shorter than 6 characters") == 1)
            #expect(!watch.log.text.contains(Redactor.mask), "\(watch.log.text)")
            #expect(watch.log.lines.filter { $0.hasPrefix("[altv-dev] ") }.count >= 3)
            #expect(watch.log.count(containing: "ready when /Server started/") == 1)
            #expect(watch.log.count(containing: "[say-\(password)] /srv/\(folder)/\(password)") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a longer password is masked where a stage prints it as a token, not inside other words; altv-dev's own lines mask it too")
    func tokensOnly() async throws {
        try await withProject { project in
            let password = "started"
            usePassword(password, in: project)
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: "[[stage]]\nname = \"say\"\ncommand = \"echo pw=\(password); echo \(password)x; echo x\(password)\"\n")
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(watch.log.count(containing: "[say] pw=********") == 1)
            #expect(watch.log.count(containing: "[say] \(password)x") == 1)
            #expect(watch.log.count(containing: "[say] x\(password)") == 1)
            // A command or pattern that names the password is shown masked, even where it is an ordinary word.
            #expect(watch.log.count(containing: "ready when /Server ********/") == 1)
            #expect(watch.log.count(containing: "shorter than") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}

extension OutputLog {
    /// How many times the server printed its first line.
    var serverStarts: Int { lines.filter { $0.hasPrefix("[server]") && $0.contains("alt:V Server, build") }.count }

    /// A failure's `needle` line is shown once beside the last `verdict`: in `writer`'s lines right
    /// above it (under at most `Console.ownLinesBetween` of altv-dev's), or quoted under it (when
    /// other lines came between), never both.
    func showsFailureOnce(_ needle: String, of writer: String, verdict: String) -> Bool {
        let lines = self.lines
        guard let at = lines.lastIndex(where: { $0.contains(verdict) }) else { return false }
        let before = lines[..<at].reversed()
        let own = before.prefix { $0.hasPrefix("[altv-dev] ") }.prefix(Console.ownLinesBetween).count
        let above = before.dropFirst(own).prefix { $0.hasPrefix("[\(writer)] ") }.contains { $0.contains(needle) }
        let quoted = lines[(at + 1)...].prefix { $0.hasPrefix("    ") }.contains { $0.contains("│ ") && $0.contains(needle) }
        return above != quoted
    }
}
