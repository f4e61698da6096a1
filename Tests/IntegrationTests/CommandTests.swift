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
            // A host name, not an address: resolved by NIO (an address is connected to directly).
            let named = try project.launch(["status", "--url", url.replacingOccurrences(of: "127.0.0.1", with: "localhost")])
            #expect(await named.waitForExit() == .exited(0))
            #expect(named.log.lines == ["IN_GAME"])
            let port = try FreePort.find()
            let down = try project.launch(["status", "--url", "http://127.0.0.1:\(port)"])
            #expect(await down.waitForExit() == .exited(1))
            #expect(down.log.count(containing: "not reachable") == 1)
            // Another program's HTML page is no status: said as such, short, and not a success.
            let (_, garbage) = try await project.startClient(fault: "garbage")
            let page = try project.launch(["status", "--url", garbage])
            #expect(await page.waitForExit() == .exited(1))
            #expect(page.log.lines == ["altv-dev: \(garbage) is not an alt:V client: GET /status answered an HTML page (\"502 Bad Gateway\"), not a status like MAIN_MENU; check --url or [reconnect] url"])
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

    @Test("small mistakes get plain words: a folder for --config, an unset --password-env, no config anywhere")
    func smallMistakes() async throws {
        try await withProject { project in
            let folder = try project.launch(["check", "--config", project.root])
            #expect(await folder.waitForExit() == .exited(2))
            #expect(folder.log.count(containing: "\(project.root): error: is a folder, not a config file") == 1)
            #expect(folder.log.count(containing: "fix: pass the file: --config \(project.root)/altv-dev.toml") == 1)

            let none = try project.launch(["check"])
            // Bad input is 2 for every command, a missing config and a mistyped subcommand too.
            #expect(await none.waitForExit() == .exited(2))
            #expect(none.log.count(containing: "run `altv-dev init` in your alt:V server folder") == 1)
            let typo = try project.launch(["chekc"])
            #expect(await typo.waitForExit() == .exited(2))
            #expect(typo.log.count(containing: "did you mean `altv-dev check`?") == 1)

            let (client, url) = try await project.startClient()
            let unset = try project.launch(["reconnect", "--url", url, "--password-env", "NOT_SET_ANYWHERE"])
            #expect(await unset.waitForExit() == .exited(0))
            #expect(unset.log.count(containing: "--password-env NOT_SET_ANYWHERE: $NOT_SET_ANYWHERE is not set; sending no password") == 1)
            #expect(await client.log.wait(for: "reconnect requested (no password)"))
        }
    }

    @Test("a ready line printed without a newline is seen once the server goes quiet")
    func readyWithoutNewline() async throws {
        try await withProject { project in
            project.writeConfig(server: ["command": #"["sh", "-c", "printf 'Server started'; exec sleep 600"]"#], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · start→ready"))
            #expect(watch.log.count(containing: "[server] Server started") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a file created and deleted within the debounce starts no cycle and is not named")
    func netNoOp() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"1s\""], reconnect: ["enabled": "false"])
            // --verbose: should it fail, the report shows each event as the watcher saw it.
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.write("resources/core/server/scratch.tmp.js", "x\n")
            try FileManager.default.removeItem(atPath: project.path("resources/core/server/scratch.tmp.js"))
            // A writer that still holds the file when it is deleted: its close comes after the delete, under the old name.
            let held = open(project.path("resources/core/server/held.tmp.js"), O_WRONLY | O_CREAT | O_CLOEXEC, 0o644)
            _ = write(held, "x\n", 2)
            unlink(project.path("resources/core/server/held.tmp.js"))
            close(held)
            project.append("resources/chat/server/index.js", "// the real edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js ·"))
            #expect(watch.log.count(containing: "scratch.tmp.js ·") == 0 && watch.log.count(containing: "change: resources/core/server/scratch") == 0)
            #expect(watch.log.count(containing: "held.tmp.js ·") == 0 && watch.log.count(containing: "change: resources/core/server/held") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("in the plain default (no stage, full restarts) a file created and removed again does not stop the server early: the stop begins at the real edit")
    func noEarlyStopForANewFile() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"1s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.write("resources/core/server/scratch.tmp.js", "x\n")
            try FileManager.default.removeItem(atPath: project.path("resources/core/server/scratch.tmp.js"))
            #expect(await watch.log.wait(for: "removed: resources/core/server/scratch.tmp.js"))
            project.append("resources/chat/server/index.js", "// the real edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js ·"))
            let lines = watch.log.lines
            let stop = lines.firstIndex { $0.contains("stopping the server while the changes settle") } ?? -1
            let edit = lines.firstIndex { $0.contains("modified: resources/chat/server/index.js") } ?? .max
            #expect(stop > edit, "the early stop began before the real edit")
            #expect(watch.log.count(containing: "Server shutdown") == 1)
            await project.stopAndExpectNothingLeft(watch)
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
        (["--help"], ["watch", "check", "init", "reconnect", "status", "sim"]),
        (["check", "--help"], ["--config", "--why"]),
        (["init", "--help"], ["--force"]),
        (["sim", "server", "--help"], ["--startup-delay", "--crash-on-start", "--ignore-signals", "--spawn-child"]),
        (["sim", "client", "--help"], ["--port", "--server", "--state"]),
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

@Suite("check, init, completions")
struct ConfigCommandTests {
    @Test("check prints the resolved config with the password masked; a bad file lists every problem and exits 2")
    func check() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let good = try project.launch(["check"])
            #expect(await good.waitForExit() == .exited(0))
            #expect(good.log.lines.first == "# \(project.path("altv-dev.toml")): valid")
            #expect(good.log.count(containing: "password = \"********\"  # from password in server.toml") == 1)
            #expect(good.log.count(containing: "stop_signal = \"SIGINT\"") == 1)
            #expect(!good.log.text.contains(project.password))
            project.write("altv-dev.toml", "[server]\ncommand = 5\nready = \"(\"\n[watch]\npaths = [\"nope\"]\n")
            let bad = try project.launch(["check"])
            #expect(await bad.waitForExit() == .exited(2))
            #expect(bad.log.count(containing: "altv-dev.toml:2:11: error: server.command") == 1)
            #expect(bad.log.count(containing: "altv-dev.toml:3:10: error: server.ready: invalid regular expression") == 1)
            #expect(bad.log.count(containing: "altv-dev.toml:5:10: error: watch.paths.0: \(project.path("nope")) is not a folder") == 1)
        }
    }

    @Test("check exits 2 when the server config itself is invalid TOML: the server will not start with it")
    func invalidServerToml() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            project.write("server.toml", "name = \"test\"\nresources = [\"core\"\n")
            let check = try project.launch(["check"])
            #expect(await check.waitForExit() == .exited(2))
            #expect(check.log.lines.contains { $0.hasPrefix("error: \(project.path("server.toml")):") && $0.hasSuffix("the server will not start with it") })
        }
    }

    @Test("check --why explains each path")
    func why() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["ignore": "[\"node_modules/\"]"])
            let command = try project.launch(["check", "--why", "resources/core/server/index.js", "resources/x/node_modules/y.js", "server.toml"])
            #expect(await command.waitForExit() == .exited(0))
            #expect(command.log.lines == [
                "resources/core/server/index.js: watched: a save → restarting the server",
                "resources/x/node_modules/y.js: ignored by altv-dev.toml [watch] ignore #1: node_modules/ (its folder resources/x/node_modules/ is ignored)",
                "server.toml: not watched: outside [watch] paths (resources)",
            ])
        }
    }

    @Test("init writes a file that check accepts, and refuses to overwrite without --force")
    func initCommand() async throws {
        try await withProject { project in
            let first = try project.launch(["init"])
            #expect(await first.waitForExit() == .exited(0))
            let check = try project.launch(["check"])
            #expect(await check.waitForExit() == .exited(0))
            let again = try project.launch(["init"])
            #expect(await again.waitForExit() == .exited(1))
            #expect(again.log.count(containing: "already exists; pass --force to replace it") == 1)
            let forced = try project.launch(["init", "--force"])
            #expect(await forced.waitForExit() == .exited(0))
            let why = try project.launch(["check", "--why", "server.toml"])
            #expect(await why.waitForExit() == .exited(0))
            #expect(why.log.lines == ["server.toml: watched: a save → restarting the server"])
        }
    }

    @Test("init where there is no alt:V server: says what it did not find and exits 1; --force writes anyway")
    func initElsewhere() async throws {
        try await withProject { project in
            try FileManager.default.removeItem(atPath: project.path("server.toml"))
            let refused = try project.launch(["init"])
            #expect(await refused.waitForExit() == .exited(1))
            #expect(refused.log.count(containing: "does not look like an alt:V server folder: not found: server.toml") == 1)
            #expect(!FileManager.default.fileExists(atPath: project.path("altv-dev.toml")))
            let forced = try project.launch(["init", "--force"])
            #expect(await forced.waitForExit() == .exited(0))
            #expect(forced.log.count(containing: "not found here: server.toml") == 1)
        }
    }

    @Test("shell completions are generated", arguments: ["bash", "zsh", "fish"])
    func completions(_ shell: String) async throws {
        try await withProject { project in
            let command = try project.launch(["--generate-completion-script", shell])
            #expect(await command.waitForExit() == .exited(0))
            #expect(command.log.text.contains("watch"))
            #expect(command.log.text.contains("config"))
            #expect(!command.log.text.contains("__guardian"))
            // --config completes .toml files; --why, --events and --junit any file name.
            let files: [String] = switch shell {
            case "bash": ["'--config')\n        __altv-dev_add_completions -o plusdirs -fX '!*.@(toml)'", "'--why')\n        __altv-dev_add_completions -f"]
            case "zsh": [#":config:_files -g '\''*.toml'\''"#, ":FILE:_files"]
            default: ["-l 'why' -d 'Paths to explain.' -rF", #"-l 'events' -d 'Also write the loop\'s events"#]
            }
            for marker in files { #expect(command.log.text.contains(marker), "\(shell): \(marker)") }
        }
    }
}
