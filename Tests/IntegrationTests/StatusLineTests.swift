import AltVDev
import Foundation
import Glibc
import Testing

/// The live status line, seen through a real pseudo-terminal and through tmux.
@Suite("The live status line")
struct StatusLineTests {
    static let floodLine = "[server] [00:00:00][js] tick: the quick brown fox jumps over the lazy dog 0123456789"

    /// Lines that are not the status line but start like it: a status line a write did not clear.
    func torn(_ screen: ScreenModel) -> [String] {
        screen.lines.dropLast().filter { $0.hasPrefix("#") || $0.hasPrefix("watching") }
    }

    /// `altv-dev ARGS` with the terminal as its stdin and stdout, colours and status line on.
    func watchOnTerminal(_ project: TestProject, _ terminal: Terminal, _ arguments: [String] = ["watch"]) throws -> Launched {
        let watch = try project.launch(arguments, environment: ["TERM": "xterm-256color"], terminal: terminal, keepColors: true)
        terminal.closeReplica()
        return watch
    }

    @Test("on a terminal: phase while busy, last result when idle; 2 MB of server lines never torn; a resize cuts it to fit")
    func statusLine() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            terminal.setSize(columns: 60)
            project.writeConfig(serverFlags: ["--flood-megabytes", "2"], reconnect: ["enabled": "false"])
            let watch = try watchOnTerminal(project, terminal, ["watch"])
            #expect(await watch.log.wait(for: "flood done"))
            #expect(await watch.log.wait(for: "watching · ✓ #1 "))
            var screen = watch.screen
            #expect(screen.currentLine.hasPrefix("watching · ✓ #1 "))
            #expect(screen.escapes.contains("2K"))
            // While it ran, the phase was shown with its timer.
            #expect(watch.log.text.contains("#1 waiting for ready "))
            #expect(torn(screen).isEmpty, "\(torn(screen).prefix(3))")
            let flood = screen.lines.filter { $0.hasPrefix("[server] [00:00:00][js]") }
            #expect(flood.count > 26_000)
            // Whole lines only; the flood's last write may end mid-line, passed on as it is.
            #expect(flood.dropLast().allSatisfy { $0 == Self.floodLine })
            #expect(Self.floodLine.hasPrefix(flood.last ?? ""))

            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "watching · ✓ #2 "))
            // The new server floods too: the resize comes once it is quiet, so the screen read after it is whole.
            #expect(await watch.log.wait(for: "flood done", after: "#2 starting"))
            #expect(watch.log.text.contains("#2 stopping") || watch.log.text.contains("#2 starting"))

            terminal.setSize(columns: 16)
            watch.signal(SIGWINCH)
            #expect(await watch.log.wait(for: "\u{1B}[2Kwatching · ✓ #…"))
            screen = watch.screen
            #expect(screen.currentLine == "watching · ✓ #…")
            await project.stopAndExpectNothingLeft(watch)
            // At exit the line is taken away: the prompt starts on a clean line.
            #expect(watch.screen.currentLine.isEmpty)
        }
    }

    @Test("a half-typed line has a line of its own under the status line, kept whole while output arrives; Enter sends it and leaves it above")
    func typedLine() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            var before = termios()
            #expect(tcgetattr(terminal.primary, &before) == 0)
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnect: ["enabled": "false"])
            let watch = try watchOnTerminal(project, terminal, ["watch"])
            #expect(await watch.log.wait(for: "watching · ✓ #1 "))
            terminal.press("restart co")
            #expect(await watch.log.wait(for: "› restart co"))
            // Output arrives while it is half typed: a cycle, and the server's lines.
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "watching · ✓ #2 "))
            var screen = watch.screen
            #expect(screen.currentLine == "› restart co")
            let lines = screen.lines
            #expect(lines.dropLast().last?.hasPrefix("watching · ✓ #2 ") == true, "\(lines.suffix(3))")
            #expect(!lines.contains { $0.hasPrefix("watching") && $0.contains("restart co") })
            // The status line is the one above the typed line now: no other line starts like it.
            let torn = lines.dropLast(2).filter { $0.hasPrefix("#") || $0.hasPrefix("watching") }
            #expect(torn.isEmpty, "\(torn.prefix(3))")
            // A typo mended, then Enter: the server gets the whole line, and it stays above the output.
            terminal.press("x\u{7F}re\r")
            #expect(await watch.log.wait(for: "› restart core"))
            #expect(await watch.log.wait(for: "Loaded resource", after: "› restart core"))
            screen = watch.screen
            #expect(screen.lines.contains("› restart core"))
            #expect(!screen.currentLine.hasPrefix("›"))
            await project.stopAndExpectNothingLeft(watch)
            // The terminal's own mode is back.
            var after = termios()
            #expect(tcgetattr(terminal.primary, &after) == 0 && after.c_lflag == before.c_lflag && after.c_lflag & tcflag_t(ICANON) != 0)
        }
    }

    @Test("altv-dev killed with SIGKILL while it edits the typed line: the guardian gives the terminal its own mode back")
    func terminalModeAfterSigkill() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            var before = termios()
            #expect(tcgetattr(terminal.primary, &before) == 0)
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try watchOnTerminal(project, terminal, ["watch"])
            #expect(await watch.log.wait(for: "watching · ✓ #1 "))
            var editing = termios()
            #expect(tcgetattr(terminal.primary, &editing) == 0 && editing.c_lflag & tcflag_t(ICANON) == 0)
            watch.signal(SIGKILL)
            #expect(await watch.waitForExit() == .signaled(SIGKILL))
            #expect(await project.waitForNoSurvivors() == [])
            var after = termios()
            #expect(tcgetattr(terminal.primary, &after) == 0 && after.c_lflag == before.c_lflag)
        }
    }

    @Test("while altv-dev stops, the line says what it waits for: the server, then a service that ignores its signal, with the SIGKILL's countdown")
    func stoppingLine() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            project.writeConfig(
                server: ["stop_timeout": "\"2s\""], reconnect: ["enabled": "false"],
                extra: "[[service]]\nname = \"devserver\"\ncommand = \"trap '' INT TERM; echo up; while :; do sleep 0.05; done\"\nready = \"up\"\n")
            let watch = try watchOnTerminal(project, terminal, ["watch"])
            #expect(await watch.log.wait(for: "watching · ✓ #1 "))
            watch.signal(SIGINT)
            #expect(await watch.log.wait(for: "\u{1B}[2Kstopping: the server "))
            #expect(await watch.log.wait(for: "\u{1B}[2Kstopping: service devserver, which ignores SIGINT · SIGKILL in 0."))
            #expect(await watch.waitForExit() == .exited(0))
            #expect(await project.waitForNoSurvivors() == [])
            #expect(watch.screen.currentLine.isEmpty)
        }
    }

    @Test("not a terminal, NO_COLOR, TERM=dumb or --no-status: no \\r and no cursor codes")
    func notDrawn() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let piped = try project.launch(["watch"])
            #expect(await piped.log.wait(for: "✓ #1"))
            await project.stopAndExpectNothingLeft(piped)
            #expect(!piped.log.text.contains("\r") && !piped.log.text.contains("\u{1B}["))

            // Each on a terminal that would otherwise get the line: one thing switches it off.
            let cases: [([String], [String: String], Bool)] = [
                (["watch"], ["TERM": "xterm-256color"], false), (["watch"], ["TERM": "dumb"], true),
                (["watch", "--no-status"], ["TERM": "xterm-256color"], true),
            ]
            for (arguments, environment, keepColors) in cases {
                let terminal = try Terminal()
                let watch = try project.launch(arguments, environment: environment, terminal: terminal, keepColors: keepColors)
                terminal.closeReplica()
                #expect(await watch.log.wait(for: "✓ #1"))
                await project.stopAndExpectNothingLeft(watch)
                let text = watch.log.text.replacingOccurrences(of: "\r\n", with: "\n")
                #expect(!text.contains("\r") && !text.contains("\u{1B}[2K"), "\(arguments) \(environment)")
            }
        }
    }

    @Test("--clear clears the screen at the start of each cycle")
    func clearEachCycle() async throws {
        try await withProject { project in
            let terminal = try Terminal()
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try watchOnTerminal(project, terminal, ["watch", "--clear"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            let screen = watch.screen
            #expect(screen.escapes.filter { $0 == "2J" }.count == 2)
            // The second cycle's lines are what is left on the screen.
            #expect(!screen.lines.contains { $0.contains("✓ #1") })
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("under tmux: the pane's last line is the status; a resized window gets it cut to fit")
    func tmux() async throws {
        try await withProject { project in
            guard FileManager.default.isExecutableFile(atPath: "/usr/bin/tmux") else {
                Issue.record("tmux is missing: scripts/ensure-deps installs it")
                return
            }
            project.writeConfig(reconnect: ["enabled": "false"])
            let socket = "altv-dev-test-\(getpid())-\(project.serverPort)"
            @Sendable func tmux(_ arguments: [String]) async -> String { await Tool.run(["/usr/bin/tmux", "-L", socket] + arguments).output }
            let command = "env -u NO_COLOR \(project.marker) \(Binary.path) watch"
            _ = await tmux(["new-session", "-d", "-x", "70", "-y", "15", "-c", project.root, command])
            func lastLine() async -> String {
                await tmux(["capture-pane", "-p"]).split(separator: "\n").last.map(String.init) ?? ""
            }
            func waitUntil(_ condition: (String) -> Bool) async -> String {
                let deadline = ContinuousClock.now + .seconds(30)
                var line = await lastLine()
                while !condition(line), ContinuousClock.now < deadline {
                    try? await Task.sleep(for: .milliseconds(50))
                    line = await lastLine()
                }
                return line
            }
            let idle = await waitUntil { $0.hasPrefix("watching · ✓ #1 ") }
            #expect(idle.hasPrefix("watching · ✓ #1 "))
            _ = await tmux(["resize-window", "-x", "14"])
            let cut = await waitUntil { $0 == "watching · ✓…" }
            #expect(cut == "watching · ✓…")
            _ = await tmux(["send-keys", "C-c"])
            #expect(await project.waitForNoSurvivors().isEmpty)
            _ = await tmux(["kill-server"])
        }
    }
}
