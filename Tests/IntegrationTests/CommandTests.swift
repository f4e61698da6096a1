import AltVDev
import Foundation
import Glibc
import Testing

@Suite("reconnect, status, config errors and help")
struct CommandTests {
    @Test("reconnect: exit 0 once the POST succeeded, with the password from the environment")
    func reconnectOnce() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient()
            let command = try project.launch(
                ["reconnect", "--url", url, "--password-env", "PW"], environment: ["PW": project.password])
            #expect(await command.waitForExit() == .exited(0))
            #expect(await client.log.wait(for: "reconnect requested (password given) while MAIN_MENU"))
            #expect(!command.log.text.contains(project.password))
        }
    }

    @Test("reconnect: non-zero with the reason when the client is unreachable")
    func reconnectUnreachable() async throws {
        try await withProject { project in
            let port = try FreePort.find()
            let command = try project.launch(["reconnect", "--url", "http://127.0.0.1:\(port)", "--timeout", "3s"])
            #expect(await command.waitForExit() == .exited(1))
            #expect(command.log.count(containing: "gave up after 3.00s: client not reachable") == 1, "\(command.log.text)")
        }
    }

    @Test("status prints the client's state; unreachable is non-zero")
    func status() async throws {
        try await withProject { project in
            let (_, url) = try await project.startClient(state: "IN_GAME")
            let ok = try project.launch(["status", "--url", url])
            #expect(await ok.waitForExit() == .exited(0))
            #expect(ok.log.lines == ["IN_GAME"])
            let port = try FreePort.find()
            let down = try project.launch(["status", "--url", "http://127.0.0.1:\(port)"])
            #expect(await down.waitForExit() == .exited(1))
            #expect(down.log.count(containing: "not reachable") == 1)
        }
    }

    @Test("a bad config at start exits 2 with file, line and column")
    func badConfig() async throws {
        try await withProject { project in
            project.write("altv-dev.toml", "[server]\ncommand = [\"x\"]\nready = 5\n[watch]\npaths = [\"resources\"]\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.waitForExit() == .exited(2))
            #expect(watch.log.count(containing: "altv-dev.toml:3:9: error: server.ready: expected a string, found an integer") == 1)
        }
    }

    @Test("a server command that does not exist is reported, and altv-dev keeps watching")
    func missingServer() async throws {
        try await withProject { project in
            project.write("altv-dev.toml", "[server]\ncommand = [\"./altv-server\"]\n[watch]\npaths = [\"resources\"]\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "cannot start ./altv-server: No such file or directory"))
            #expect(await watch.log.wait(for: "✗ #1 start"))
            watch.signal(SIGINT)
            #expect(await watch.waitForExit() == .exited(0))
        }
    }

    @Test("each command's help names its options", arguments: [
        (["watch", "--help"], ["--config", "--verbose"]),
        (["reconnect", "--help"], ["--url", "--password-env", "--timeout"]),
        (["status", "--help"], ["--url"]),
        (["--help"], ["watch", "reconnect", "status", "sim"]),
    ])
    func help(_ arguments: [String], _ expected: [String]) async throws {
        try await withProject { project in
            let command = try project.launch(arguments)
            #expect(await command.waitForExit() == .exited(0))
            for option in expected { #expect(command.log.text.contains(option), "\(option)") }
            #expect(!command.log.text.contains("__guardian"))
        }
    }
}
