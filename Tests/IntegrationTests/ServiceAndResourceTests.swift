import AltVDev
import CProcessSpawn
import Foundation
import Glibc
import Synchronization
import Testing

/// `[[service]]`, resource-level restarts and the server console, on the real binary.
@Suite("Pipeline: services, resource restarts, console")
struct ServiceAndResourceTests {
    @Test("the server waits for a service's ready line; a dying service is restarted with a backoff")
    func servicesGateAndRestart() async throws {
        try await withProject { project in
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: """
                    [[service]]
                    name = "gated"
                    command = "while ! test -f gate; do sleep 0.02; done; echo gated is up; exec sleep 600"
                    ready = "is up"

                    [[service]]
                    name = "crashy"
                    command = "echo crashy ran; exit 4"
                    """)
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "waiting for service gated to be ready (/is up/)"))
            // The backoff runs meanwhile: 0.5 s, then 1 s, each restart reported.
            #expect(await watch.log.wait(for: "restarting service crashy in 1.00s"))
            #expect(watch.log.serverStarts == 0)
            project.write("gate", "")
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let lines = watch.log.lines
            let up = try #require(lines.firstIndex { $0 == "[gated] gated is up" })
            let server = try #require(lines.firstIndex { $0.hasPrefix("[server]") })
            #expect(up < server)
            #expect(watch.log.count(containing: "service crashy exited with status 4") >= 2)
            let delays = lines.filter { $0.contains("restarting service crashy in") }.prefix(3).map { $0.components(separatedBy: " in ").last ?? "" }
            #expect(Array(delays.prefix(2)) == ["500ms", "1.00s"])
            // 0.5 + 1 + 2 + 4 s later the fifth failure within a minute: it is given up, not restarted forever.
            #expect(await watch.log.wait(for: "service crashy failed 5 times within 1m00s: not restarting it", timeout: .seconds(30)))
            #expect(watch.log.count(containing: "restarting service crashy in") == 4)
            #expect(watch.log.count(containing: "service crashy exited with status 4") == 5)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a config save restarts a changed service, starts a new one, stops a removed one; the server stays")
    func servicesFollowConfig() async throws {
        try await withProject { project in
            func config(_ services: [(String, String)]) {
                project.writeConfig(
                    reconnect: ["enabled": "false"],
                    extra: services.map { "[[service]]\nname = \"\($0.0)\"\ncommand = \"echo \($0.1); exec sleep 600\"\nready = \"\($0.1)\"\n" }
                        .joined(separator: "\n"))
            }
            config([("web", "web-v1"), ("old", "old-v1")])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            config([("web", "web-v2"), ("new", "new-v1")])
            #expect(await watch.log.wait(for: "service old removed from the config: stopping it"))
            #expect(await watch.log.wait(for: "service web changed: restarting it"))
            #expect(await watch.log.wait(for: "[web] web-v2"))
            #expect(await watch.log.wait(for: "[new] new-v1"))
            #expect(watch.log.serverStarts == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("examples/build-stage: the node build turns src/ into resources/, and an edit restarts just core")
    func buildStageExample() async throws {
        try await withProject { project in
            let example = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
                .deletingLastPathComponent().appendingPathComponent("examples/build-stage").path
            for name in ["build.mjs", "altv-dev.toml", "src/core/resource.toml", "src/core/server/index.mjs", "src/core/client/index.mjs",
                "src/chat/resource.toml", "src/chat/server/index.mjs", "resources/.gitignore"]
            {
                project.write("example/" + name, try String(contentsOfFile: example + "/" + name, encoding: .utf8))
            }
            let watch = try project.watchExample(from: example, serverPort: 7790)
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            #expect(FileManager.default.fileExists(atPath: project.path("example/resources/core/server/index.js")))

            project.append("example/src/core/server/index.mjs", "alt.log(\"edited\");\n")
            #expect(await watch.log.wait(for: "✓ #2 src/core/server/index.mjs · build "))
            let cycle = watch.log.lines.first { $0.contains("✓ #2") } ?? ""
            #expect(cycle.contains("restarted resource core in"))
            let built = try String(contentsOfFile: project.path("example/resources/core/server/index.js"), encoding: .utf8)
            #expect(built.contains("alt.log(\"edited\")") && built.hasPrefix("// built by build.mjs"))
            #expect(watch.log.serverStarts == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// A project whose saves inside a resource restart just that resource.
    func resourceProject(_ project: TestProject, serverFlags: [String] = [], readyTimeout: String = "10s") async throws -> (Launched, Launched) {
        let (client, url) = try await project.startClient()
        project.writeConfig(
            serverFlags: serverFlags,
            server: ["on_change": "\"restart-resources\"", "ready_timeout": "\"\(readyTimeout)\""],
            watch: ["paths": "[\".\"]"], reconnectURL: url)
        let watch = try project.launch(["watch"])
        #expect(await watch.log.wait(for: "✓ #1 start"))
        #expect(await client.log.wait(for: "password accepted"))
        return (watch, client)
    }

    @Test("on_change = restart-resources: `restart <name>` in the console, same server, no reconnect; a failed load keeps the server")
    func resourceRestart() async throws {
        try await withProject { project in
            let (watch, client) = try await resourceProject(project)
            let pid = try #require(watch.log.serverPID)

            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · restarted resource core in "))
            #expect(watch.log.count(containing: "[server] ") > 0 && watch.log.serverStarts == 1)
            #expect(watch.log.serverPID == pid && kill(pid, 0) == 0)
            #expect(client.log.count(containing: "reconnect requested") == 1)

            // A resource that fails to load: ✗ with the server's lines for it; a full restart would mend nothing.
            project.write("resources/chat/resource.toml", "type = \"js\nmain = \n")
            #expect(await watch.log.wait(for: "✗ #3 resources/chat/resource.toml · failed to load resource chat · the server keeps running; the next save loads it again"))
            #expect(watch.log.count(containing: "resource chat failed to load:") == 1)
            #expect(watch.log.count(containing: "│ [") >= 1)
            #expect(watch.log.serverStarts == 1 && watch.log.serverPID == pid)

            // The failed load unloaded it: the fix is typed as `start chat`, which the console takes.
            project.write("resources/chat/resource.toml", "type = \"js\"\nmain = \"server/index.js\"\n")
            #expect(await watch.log.wait(for: "✓ #4 resources/chat/resource.toml · restarted resource chat in "))
            #expect(watch.log.count(containing: "No such resource") == 0)
            #expect(watch.log.serverStarts == 1)

            // server.toml is not a resource: a full restart, saying why.
            project.append("server.toml", "# edit\n")
            #expect(await watch.log.wait(for: "change: server.toml → restarting the server (server.toml changed)"))
            #expect(await watch.log.wait(for: "✓ #5 server.toml · stop "))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a resource whose name has a space cannot be typed into the console: a full restart at once, saying why")
    func resourceNameWithSpace() async throws {
        try await withProject { project in
            project.write("resources/über chat/resource.toml", "type = \"js\"\nmain = \"server/index.js\"\n")
            project.write("resources/über chat/server/index.js", "// über chat\n")
            let toml = try String(contentsOfFile: project.path("server.toml"), encoding: .utf8)
            project.write("server.toml", toml.replacingOccurrences(of: "resources = [\"core\", \"chat\"]", with: "resources = [\"core\", \"chat\", \"über chat\"]"))
            // A long ready_timeout: waiting for a `Loaded resource` that cannot come would fail the wait below.
            let (watch, _) = try await resourceProject(project, readyTimeout: "10m")
            #expect(watch.log.count(containing: "Loaded resource über chat") == 1)
            project.append("resources/über chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "→ restarting the server (resource \"über chat\" has white space in its name, which the server console cannot take)"))
            #expect(await watch.log.wait(for: "✓ #2 resources/über chat/server/index.js · stop "))
            #expect(watch.log.count(containing: "restart über") == 0)
            #expect(watch.log.serverStarts == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// A watch whose standard input is a terminal the test types into, its first start done.
    func watchTyping(in project: TestProject) async throws -> (Launched, Terminal) {
        let terminal = try Terminal()
        project.writeConfig(reconnect: ["enabled": "false"])
        let watch = try project.launch(["watch"], standardInput: terminal.replica)
        terminal.closeReplica()
        #expect(await watch.log.wait(for: "✓ #1 start"))
        return (watch, terminal)
    }

    @Test("Ctrl+D at the terminal is said, not ignored silently, and :q typed after it still quits")
    func endOfInput() async throws {
        try await withProject { project in
            let (watch, terminal) = try await watchTyping(in: project)
            terminal.endOfInput()
            #expect(await watch.log.wait(for: "Ctrl+D does not stop altv-dev: type :q (or press Ctrl+C) to stop it"))
            // The terminal is still there, and so is the reading: :q after Ctrl+D quits.
            terminal.type(":q")
            #expect(await watch.waitForExit() == .exited(0))
            #expect(!watch.log.text.contains("standard input closed"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a terminal that goes away ends the reading, said once; the loop runs on")
    func terminalGone() async throws {
        try await withProject { project in
            let (watch, terminal) = try await watchTyping(in: project)
            terminal.hangUp()
            #expect(await watch.log.wait(for: "standard input closed: typed lines and : commands are no longer read"))
            project.append("resources/core/server/index.js", "// after the terminal went\n")
            #expect(await watch.log.wait(for: "✓ #2 "))
            #expect(watch.log.count(containing: "standard input closed") == 1 && watch.log.count(containing: "Ctrl+D does not stop") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a resource restart that stalls past ready_timeout falls back to a full restart")
    func resourceRestartStalls() async throws {
        try await withProject { project in
            let (watch, _) = try await resourceProject(project, serverFlags: ["--resource-restart-delay", "20s"], readyTimeout: "1s")
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "resource restart failed: no \"Loaded resource core\" within 1.00s of `restart core`; restarting the whole server"))
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · stop "))
            #expect(watch.log.serverStarts == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("lines typed at a terminal go to the server's console; :r, :rc, :help and :q are altv-dev's")
    func consoleCommands() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            let (client, url) = try await project.startClient()
            project.writeConfig(reconnectURL: url)
            let watch = try project.launch(["watch"], standardInput: terminal.replica)
            terminal.closeReplica()
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await client.log.wait(for: "password accepted"))

            terminal.type("restart chat")
            #expect(await watch.log.wait(for: "Loaded resource chat", count: 2))
            #expect(watch.log.serverStarts == 1)
            terminal.type(":help")
            #expect(await watch.log.wait(for: ":rc    make the game client reconnect now"))
            terminal.type(":rc")
            #expect(await watch.log.wait(for: "✓ reconnect "))
            #expect(await client.log.wait(for: "reconnect requested", count: 2))
            terminal.type(":r")
            #expect(await watch.log.wait(for: "✓ #2 :r · stop "))
            #expect(watch.log.serverStarts == 2)
            terminal.type(":nope")
            #expect(await watch.log.wait(for: "unknown command :nope"))
            terminal.type(":q")
            #expect(await watch.waitForExit() == .exited(0))
            #expect(await project.waitForNoSurvivors().isEmpty)
        }
    }

    @Test("without a terminal on stdin nothing is read")
    func noTerminalNoConsole() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            var fds: [Int32] = [0, 0]
            #expect(pipe(&fds) == 0)
            defer { close(fds[1]) }
            let watch = try project.launch(["watch", "--verbose"], standardInput: fds[0])
            close(fds[0])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            _ = "restart chat\n:q\n".withCString { write(fds[1], $0, strlen($0)) }
            // A save after the typed lines: had they been read, :q would have ended altv-dev first.
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            #expect(watch.log.count(containing: "type :help") == 0)
            #expect(watch.log.count(containing: "Loaded resource chat") == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}

/// A pseudo-terminal: altv-dev gets the replica as stdin, the test types into the primary side.
final class Terminal: Sendable {
    let primary: Int32
    let replica: Int32
    private let primaryClosed = Atomic<Bool>(false)

    init() throws {
        var primary: Int32 = -1
        var replica: Int32 = -1
        let code = altv_open_terminal(&primary, &replica)
        guard code == 0 else { throw HarnessError("no pseudo-terminal: \(String(cString: strerror(code)))") }
        self.primary = primary
        self.replica = replica
    }

    func closeReplica() { close(replica) }

    /// The window size the program sees (TIOCSWINSZ); send it SIGWINCH after a change.
    func setSize(columns: Int, rows: Int = 24) {
        var size = winsize(ws_row: UInt16(rows), ws_col: UInt16(columns), ws_xpixel: 0, ws_ypixel: 0)
        _ = ioctl(primary, UInt(TIOCSWINSZ), &size)
    }

    func type(_ line: String) {
        _ = (line + "\n").withCString { write(primary, $0, strlen($0)) }
    }

    /// Keys pressed without Enter.
    func press(_ keys: String) {
        _ = keys.withCString { write(primary, $0, strlen($0)) }
    }

    /// Ctrl+D at the start of a line: the terminal's end of input.
    func endOfInput() {
        var eof: UInt8 = 4
        _ = write(primary, &eof, 1)
    }

    /// The terminal goes away (its window closed): the program's side reads end of input for good.
    func hangUp() {
        if !primaryClosed.exchange(true, ordering: .relaxed) { close(primary) }
    }

    deinit { hangUp() }
}

@Suite("examples/typescript: esbuild and tsc")
struct TypeScriptExampleTests {
    @Test("an edit to a .ts file rebuilds and restarts just that resource; a type error shows tsc's file and line and keeps the server")
    func typeScriptExample() async throws {
        try await withProject { project in
            let example = Repository.root + "/examples/typescript"
            for tool in ["esbuild", "tsc"] {
                guard ConfigAdvisor.locate(tool, cwd: example, environment: ProcessInfo.processInfo.environment) != nil else {
                    Issue.record("\(tool) is missing: scripts/ensure-deps installs it (Debian: esbuild, node-typescript)")
                    return
                }
            }
            try FileManager.default.copyItem(atPath: example, toPath: project.path("example"))
            for built in ["core", "chat"] { try? FileManager.default.removeItem(atPath: project.path("example/resources/" + built)) }
            let watch = try project.watchExample(from: example, serverPort: 7792)
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            let pid = try #require(watch.log.serverPID)
            let serverJS = project.path("example/resources/core/server.js")
            #expect(FileManager.default.fileExists(atPath: project.path("example/resources/chat/client.js")))

            project.append("example/src/core/server/index.ts", "alt.log(\"edited in TypeScript\");\n")
            #expect(await watch.log.wait(for: "✓ #2 src/core/server/index.ts · build "))
            let cycle = watch.log.lines.first { $0.contains("✓ #2") } ?? ""
            #expect(cycle.contains("restarted resource core in") && !cycle.contains("chat") && !cycle.contains("typecheck"), "\(cycle)")
            // tsc runs beside (gate = false): its verdict comes after the cycle's.
            #expect(await watch.log.wait(for: "✓ check typecheck "))
            let built = try String(contentsOfFile: serverJS, encoding: .utf8)
            // esbuild bundled the shared code in and kept alt-server an import.
            #expect(built.contains("edited in TypeScript") && built.contains("Legion Square") && built.contains("from \"alt-server\""))

            // A type error: esbuild builds it and the resource restarts; tsc says where, beside.
            project.append("example/src/core/server/index.ts", "const count: string = spawnPoints.length;\n")
            #expect(await watch.log.wait(for: "✓ #3 src/core/server/index.ts · build "))
            #expect(await watch.log.wait(for: "✗ check stage typecheck exited with status 2"))
            #expect(
                watch.log.count(containing: "src/core/server/index.ts(22,7): error TS2322: Type 'number' is not assignable to type 'string'.") >= 1,
                "\(watch.log.lines.filter { $0.contains("TS") })")
            #expect(watch.log.serverPID == pid && watch.log.serverStarts == 1)

            // A throw at load: the server's frame in the bundle is shown at its .ts line (esbuild wrote the map).
            project.append("example/src/core/server/index.ts", "throw new Error(\"thrown in core\");\n")
            #expect(await watch.log.wait(for: "✗ #4 src/core/server/index.ts · "))
            let frame = watch.log.lines.first { $0.hasPrefix("[server]") && $0.contains("resources/core/server.js:") }
            #expect(frame?.hasSuffix(" → src/core/server/index.ts:23:1") == true, "\(frame ?? "no frame")")
            // And so it is quoted under the failed load.
            #expect(await watch.log.wait(for: "│     at file://"))
            #expect(watch.log.lines.contains { $0.contains("│     at file://") && $0.hasSuffix("server.js:31:1 → src/core/server/index.ts:23:1") })

            // A syntax error: esbuild's own message and place fail the build; and a broken altv-dev.toml save.
            project.append("example/src/chat/server/index.ts", "const x y = 1;\n")
            #expect(await watch.log.wait(for: "✗ #5 src/chat/server/index.ts · build failed; the running server keeps running"))
            let saved = try String(contentsOfFile: project.path("example/altv-dev.toml"), encoding: .utf8)
            project.write("example/altv-dev.toml", saved.replacingOccurrences(of: "debounce = \"30ms\"", with: "debounce = 30ms"))
            #expect(await watch.log.wait(for: "config not applied"))
            await project.stopAndExpectNothingLeft(watch)
            try checkTaskMatchers(watch.log.lines, project: project)

            // The same problems as diagnostic events, at the place the editor needs (esbuild's column made 1-based).
            let diagnostics = project.events().filter { $0["event"] as? String == "diagnostic" }
            let typeError = diagnostics.first { $0["source"] as? String == "typecheck" && $0["code"] as? String == "TS2322" }
            #expect(typeError?["file"] as? String == "src/core/server/index.ts" && typeError?["line"] as? Int == 22 && typeError?["column"] as? Int == 7)
            #expect(typeError?["resource"] as? String == "core" && typeError?["severity"] as? String == "error")
            #expect(typeError?["message"] as? String == "Type 'number' is not assignable to type 'string'.")
            let printed = try #require(watch.log.lines.first { $0.hasPrefix("[build]") && $0.contains("src/chat/server/index.ts:") })
            let printedColumn = Int(printed.dropLast().split(separator: ":").last ?? "") ?? -1
            let syntax = diagnostics.first { $0["source"] as? String == "build" && $0["file"] as? String == "src/chat/server/index.ts" }
            #expect(syntax?["column"] as? Int == printedColumn + 1 && syntax?["code"] is NSNull && syntax?["resource"] as? String == "chat")
            #expect((syntax?["message"] as? String)?.hasPrefix("Expected \";\"") == true)
            // The throw, reported at its source place, not the bundle's.
            let thrown = diagnostics.first { $0["source"] as? String == "server" && $0["message"] as? String == "Error: thrown in core" }
            #expect(thrown?["file"] as? String == "src/core/server/index.ts" && thrown?["line"] as? Int == 23 && thrown?["column"] as? Int == 1, "\(thrown ?? [:])")
            #expect(thrown?["resource"] as? String == "core" && thrown?["cycle"] as? Int == 4)
        }
    }

    /// examples/vscode/tasks.json's regexes against this run's real output.
    func checkTaskMatchers(_ lines: [String], project: TestProject) throws {
        let matchers = try TaskMatchers()
        let problems = matchers.problems(in: lines)
        #expect(problems.contains(TaskMatchers.Problem(
            source: "tsc", file: "src/core/server/index.ts", line: 22, column: 7, message: "Type 'number' is not assignable to type 'string'.")))
        #expect(problems.contains { $0.source == "esbuild" && $0.file == "src/chat/server/index.ts" && $0.line == 11 && $0.message.hasPrefix("Expected \";\"") })
        #expect(problems.contains { $0.source == "altv-dev" && $0.file == project.path("example/altv-dev.toml") && $0.line > 0 })
        // The thrown error at its .ts place (through the map), and not again at the bundle's.
        #expect(problems.filter { $0.source == "server" } == [
            TaskMatchers.Problem(source: "server", file: "src/core/server/index.ts", line: 23, column: 1, message: "Error: thrown in core")
        ])
        // One problem for each time a tool said it: last lines quoted under a failure (when other lines came between) are not problems again.
        #expect(problems.filter { $0.source == "tsc" }.count == lines.filter { $0.hasPrefix("[typecheck] ") && $0.contains("error TS") }.count)
        #expect(problems.filter { $0.source == "esbuild" }.count == lines.filter { $0.hasPrefix("[build] ✘ [ERROR]") }.count)
        #expect(!problems.isEmpty)

        // Busy from a change to its cycle's ✓/✗ line; the first start is busy from the beginning (activeBegin).
        let (cycles, mistakes) = matchers.busyCycles(in: lines)
        #expect(cycles == 5 && mistakes.isEmpty, "\(mistakes)")
    }
}
