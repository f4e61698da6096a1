import AltVDev
import Foundation
import Glibc
import Testing

/// `altv-dev send` and `altv-dev wait` against a running watch, through its control socket.
@Suite("Control socket: send and wait")
struct ControlSocketTests {
    /// The answer line a command printed, as JSON.
    func answer(_ process: Launched) -> [String: Any] {
        let line = process.log.lines.first { $0.hasPrefix("{") } ?? ""
        return (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any] ?? [:]
    }

    func run(_ project: TestProject, _ arguments: [String], environment: [String: String] = [:]) async throws -> (AltVDev.ExitStatus?, Launched) {
        let process = try project.launch(arguments, environment: environment)
        return (await process.waitForExit(), process)
    }

    @Test("wait before the watch is up, status, restart-resource, restart and quit, each answered as the loop did it")
    func commands() async throws {
        try await withProject { project in
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnect: ["enabled": "false"])
            // Started first: the socket does not exist yet, and wait waits for it.
            let waiting = try project.launch(["wait", "--for", "ready", "--timeout", "40s"])
            let watch = try project.launch(["watch"])
            #expect(await waiting.waitForExit() == .exited(0))
            #expect(answer(waiting)["ready"] as? Bool == true && answer(waiting)["phase"] as? String == "idle")
            #expect(watch.log.text.contains("✓ #1 start"))

            let (statusExit, status) = try await run(project, ["send", "status"])
            #expect(statusExit == .exited(0))
            let state = answer(status)
            #expect(state["server_pid"] as? Int == watch.log.serverPID.map(Int.init) && state["last_cycle"] as? Int == 1)
            #expect((state["last"] as? String)?.hasPrefix("✓ #1") == true && state["watch_pid"] as? Int == Int(watch.process.pid))

            let (resourceExit, resource) = try await run(project, ["send", "restart-resource", "core"])
            #expect(resourceExit == .exited(0) && answer(resource)["cycle"] as? Int == 2)
            #expect(try await run(project, ["wait", "--for", "idle"]).0 == .exited(0))
            #expect(watch.log.text.contains("✓ #2 restart-resource core · restarted resource core"))

            let (unknownExit, unknown) = try await run(project, ["send", "restart-resource", "nope"])
            #expect(unknownExit == .exited(1) && unknown.log.text.contains("no resource nope in ") && unknown.log.text.contains("(there: chat, core)"))

            let pidBefore = watch.log.serverPID
            let (restartExit, restart) = try await run(project, ["send", "restart"])
            #expect(restartExit == .exited(0) && answer(restart)["cycle"] as? Int == 3)
            let (readyExit, ready) = try await run(project, ["wait"])
            #expect(readyExit == .exited(0) && answer(ready)["last_cycle"] as? Int == 3)
            // The line may still be on its way through the pipe the test reads when wait answers.
            #expect(await watch.log.wait(for: "✓ #3 :r") && watch.log.serverPID != pidBefore)
            // The VS Code task is busy for each cycle the socket started, and idle between them.
            let (cycles, mistakes) = try TaskMatchers().busyCycles(in: watch.log.lines)
            #expect(cycles == 3 && mistakes.isEmpty, "\(mistakes)")

            let (quitExit, _) = try await run(project, ["send", "quit"])
            #expect(quitExit == .exited(0))
            #expect(await watch.waitForExit() == .exited(0))
            // Gone with its watch: nobody is there to answer.
            let (afterExit, after) = try await run(project, ["send", "status"])
            #expect(afterExit == .exited(1) && after.log.text.contains("no altv-dev watch is running for this project"))
            #expect(await project.waitForNoSurvivors().isEmpty)
        }
    }

    @Test("wait with no watch gives up at its timeout, exit 1; a mistyped command is a usage error, exit 2")
    func timeoutsAndMistakes() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let (waitExit, wait) = try await run(project, ["wait", "--timeout", "300ms"])
            #expect(waitExit == .exited(1) && wait.log.text.contains("not ready within 300ms"))
            let (typoExit, typo) = try await run(project, ["send", "restrat"])
            #expect(typoExit == .exited(2) && typo.log.text.contains("did you mean restart?"))
        }
    }

    @Test("a socket folder others may enter is refused by send and by watch (which runs on without it)")
    func openFolderRefused() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let runtime = project.path("runtime")
            try FileManager.default.createDirectory(atPath: runtime + "/altv-dev", withIntermediateDirectories: true)
            chmod(runtime + "/altv-dev", 0o755)
            let environment = ["XDG_RUNTIME_DIR": runtime]
            let watch = try project.launch(["watch"], environment: environment)
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(watch.log.text.contains("no control socket (altv-dev send and wait cannot reach this watch): \(runtime)/altv-dev is open to others (mode 755): refused"))
            let (sendExit, send) = try await run(project, ["send", "status"], environment: environment)
            #expect(sendExit == .exited(1) && send.log.text.contains("is open to others (mode 755): refused; fix: chmod 700"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test(
        "a socket another user owns is refused before connecting: it is not your watch's",
        .enabled(if: geteuid() == 0, "needs root to give a socket to another user"))
    func strangersSocketRefused() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let runtime = project.path("runtime")
            let environment = ["XDG_RUNTIME_DIR": runtime]
            let path = ControlSocketPath.path(for: project.path("altv-dev.toml"), environment: environment)
            try FileManager.default.createDirectory(atPath: runtime, withIntermediateDirectories: true)
            try ControlSocketPath.prepareFolder(of: path)
            // A stranger's listener at the watch's address.
            let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            defer { close(listener) }
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { buffer in for (index, byte) in path.utf8.enumerated() { buffer[index] = byte } }
            let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) } }
            #expect(bound == 0 && listen(listener, 1) == 0)
            #expect(chown(path, 65534, 65534) == 0)
            let (sendExit, send) = try await run(project, ["send", "status"], environment: environment)
            #expect(sendExit == .exited(1) && send.log.text.contains("belongs to uid 65534, not to you (uid 0): refused, it is not your watch's"))
        }
    }

    @Test("the VS Code tasks bound to keys run commands send and wait take")
    func editorTasks() throws {
        let text = try String(contentsOfFile: Repository.root + "/examples/vscode/tasks.json", encoding: .utf8)
        let json = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        let tasks = (try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])?["tasks"] as? [[String: Any]] ?? []
        let commands = tasks.compactMap { $0["command"] as? String }.filter { $0.hasPrefix("altv-dev send") }
        #expect(commands.count == 2)
        for command in commands {
            let word = command.split(separator: " ")[2]
            #expect(ControlRequest.sendCommands.contains(String(word)), "\(command)")
        }
        let keys = try String(contentsOfFile: Repository.root + "/examples/vscode/keybindings.json", encoding: .utf8)
        for label in tasks.compactMap({ $0["label"] as? String }).dropFirst() { #expect(keys.contains("\"args\": \"\(label)\"")) }
    }
}
