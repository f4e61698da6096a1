import AltVDev
import Foundation
import Glibc
import Testing

/// Fault injection: each case asserts what the user sees and that nothing is left running.
@Suite("Faults: server, client, watcher, altv-dev itself")
struct ReliabilityTests {
    // MARK: Server faults

    @Test("on_crash = \"restart\": a server crashing on every start is restarted with a growing backoff, no tight loop")
    func crashRestartBackoff() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--crash-on-start"], server: ["on_crash": "\"restart\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "restarting in 500ms (on_crash = \"restart\")"))
            #expect(await watch.log.wait(for: "restarting in 1.00s (on_crash = \"restart\")"))
            #expect(await watch.log.wait(for: "restarting in 2.00s (on_crash = \"restart\")"))
            // In order, each once: the delays double, so there is no tight loop.
            let delays = watch.log.lines.filter { $0.contains("restarting in") }.prefix(3).map { $0.split(separator: " ").last(where: { $0.hasSuffix("ms") || $0.hasSuffix("s") }).map(String.init) ?? "" }
            #expect(delays == ["500ms", "1.00s", "2.00s"])
            #expect(watch.log.serverStarts >= 3)
            // Each restart after the crash is a busy period of the VS Code task, from its begin to its verdict.
            let matchers = try TaskMatchers()
            let lines = Array(watch.log.lines.prefix { !$0.contains("restarting in 2.00s") })
            let (cycles, mistakes) = matchers.busyCycles(in: lines)
            #expect(cycles >= 2 && mistakes.filter { $0 != "busy at the end" }.isEmpty, "\(cycles) \(mistakes)")
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a server that prints 10 MB without a newline: passed on in pieces, the ready line still matched")
    func hugeLine() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--bytes-without-newline", "10485760"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"], keepLines: 2000)
            #expect(await watch.log.wait(for: "✓ #1"))
            let pieces = watch.log.lines.filter { $0.hasPrefix("[server] xxxx") }
            // Every byte came through. (This log cuts altv-dev's own long lines again, so a piece may
            // reach it in two parts, the second without the prefix.)
            let xs = watch.log.lines.map { $0.hasPrefix("[server] ") ? $0.dropFirst("[server] ".count) : Substring($0) }
                .filter { !$0.isEmpty && $0.allSatisfy { $0 == "x" } }
            #expect(xs.reduce(0) { $0 + $1.count } == 10485760)
            #expect(pieces.allSatisfy { $0.count <= OutputPump.maximumLineLength * 2 + 9 })
            #expect(try Memory.peakResidentKilobytes(of: watch.pid) < 60_000)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("invalid UTF-8 and colour codes: passed through, the ready line still matched")
    func invalidUTF8() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--invalid-utf8"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(watch.log.count(containing: "broken bytes") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("100 MB of output: every line passes, memory stays bounded")
    func flood() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--flood-megabytes", "100"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"], keepLines: 1000)
            #expect(await watch.log.wait(for: "flood done", timeout: .seconds(120)))
            // 100 MiB of 78-byte lines, plus the start-up lines.
            #expect(watch.log.totalLines >= 100 * 1024 * 1024 / 78)
            #expect(try Memory.peakResidentKilobytes(of: watch.pid) < 60_000)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a grandchild holding the game port is gone after the stop, and the next server gets the port")
    func grandchildHoldsPort() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--child-holds-port"], server: ["stop_timeout": "\"500ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let line = watch.log.lines.first { $0.contains("holding the game port") } ?? ""
            let helper = pid_t(line.split(separator: " ").dropLast(4).last ?? "") ?? 0
            #expect(helper > 0 && kill(helper, 0) == 0, "\(line)")
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            #expect(kill(helper, 0) == -1)
            #expect(watch.log.count(containing: "Failed to bind") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("the game port held by a stranger: waited for, then the holder is named and nothing starts")
    func portTaken() async throws {
        try await withProject { project in
            let holder = try ListeningSocket(port: project.serverPort)
            project.writeConfig(server: ["stop_timeout": "\"300ms\"", "port": "\(project.serverPort)"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "not started: port \(project.serverPort) is held by pid \(getpid())"))
            #expect(watch.log.serverStarts == 0)
            holder.close()
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a port freed while altv-dev waits: the server starts as soon as it is free")
    func portFreedInTime() async throws {
        try await withProject { project in
            let holder = try ListeningSocket(port: project.serverPort)
            project.writeConfig(server: ["stop_timeout": "\"30s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "port \(project.serverPort) is still taken; waiting up to 30.00s"))
            holder.close()
            #expect(await watch.log.wait(for: "✓ #1"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a file named with escape sequences is named, escaped, in altv-dev's lines: it cannot rewrite the terminal")
    func escapesInFileNames() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let terminal = try Terminal()
            let watch = try project.launch(["watch"], terminal: terminal)
            terminal.closeReplica()
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.write("resources/core/\u{1B}]0;pwned\u{07}\u{1B}[2J.js", "x\n")
            #expect(await watch.log.wait(for: "change: resources/core/\\x1b]0;pwned\\x07\\x1b[2J.js → restarting the server"))
            // The terminal got no title change and no clearing: neither sequence reached it.
            #expect(!watch.log.text.contains("\u{1B}]0;pwned") && !watch.screen.escapes.contains("2J"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    // MARK: Client faults

    @Test("a client that accepts but never answers: a request timeout, reported once, not a hang")
    func clientNeverAnswers() async throws {
        try await withProject { project in
            let (_, url) = try await project.startClient(fault: "never-answer")
            project.writeConfig(reconnectURL: url, reconnect: ["timeout": "\"2s\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "did not answer in time; retrying"))
            #expect(await watch.log.wait(for: "gave up reconnecting after 2.00s"))
            #expect(watch.log.count(containing: "did not answer in time; retrying") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a /status answer that is no alt:V status: not an alt:V client, said at once, not after the timeout")
    func clientGarbage() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient(fault: "garbage")
            // A timeout longer than the wait below: only an answer at once passes.
            project.writeConfig(reconnectURL: url, reconnect: ["timeout": "\"10m\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await watch.log.wait(for: "✗ client #1: \(url) is not an alt:V client: GET /status answered an HTML page (\"502 Bad Gateway\")"))
            #expect(watch.log.count(containing: "is not an alt:V client") == 1)
            #expect(client.log.count(containing: "reconnect requested") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a client answering ERROR forever: waited on until the timeout, then given up")
    func clientError() async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient(state: "ERROR")
            project.writeConfig(reconnectURL: url, reconnect: ["timeout": "\"1s\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "gave up reconnecting after 1.00s (status ERROR)"))
            #expect(watch.log.count(containing: "game client is ERROR; waiting") == 1)
            #expect(client.log.count(containing: "reconnect requested") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("/reconnect answering 401 or 500: reported once, no retry loop", arguments: ["401", "500"])
    func reconnectRefused(_ code: String) async throws {
        try await withProject { project in
            let (client, url) = try await project.startClient(fault: "reconnect-\(code)")
            project.writeConfig(reconnectURL: url)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await watch.log.wait(for: "✗ client #1: POST \(url)/reconnect failed: answered HTTP \(code)"))
            #expect(client.log.count(containing: "reconnect refused with HTTP \(code)") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    // MARK: Watcher faults

    @Test("a watched folder deleted and created again is watched again")
    func rootRecreated() async throws {
        try await withProject { project in
            project.writeConfig(server: ["cwd": "\".\""], watch: ["paths": "[\"resources/core\"]"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            // Outcomes, not cycle numbers: under load a recursive delete may arrive as two change sets.
            try FileManager.default.removeItem(atPath: project.path("resources/core"))
            #expect(await watch.log.wait(for: "was removed; it is watched again when it comes back"))
            project.write("resources/core/server/index.js", "// back\n")
            // The recreated folders are watched: a new file there is seen (written by rename, as editors
            // do; or found by the walk of the new folder), and a server starts after it.
            project.write("resources/core/server/after.js", "// new\n")
            #expect(await watch.log.wait(for: ": resources/core/server/after.js"), "\(watch.log.text)")
            #expect(await watch.log.wait(for: "alt:V Server, build", after: ": resources/core/server/after.js"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a watched path reached through a symlink, with a symlink loop inside")
    func symlinks() async throws {
        try await withProject { project in
            try FileManager.default.createSymbolicLink(atPath: project.path("linked"), withDestinationPath: project.path("resources"))
            try FileManager.default.createSymbolicLink(atPath: project.path("resources/core/loop"), withDestinationPath: "..")
            project.writeConfig(watch: ["paths": "[\"linked\"]"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/chat/server/index.js", "// edit through the real path\n")
            // Paths are resolved to where the link points.
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js ·"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a folder link out of the watched folders: watch restarts on a save behind it, and check --why says so, by either path")
    func linkOutOfTheTree() async throws {
        try await withProject { project in
            project.write("shared-lib/util.js", "// shared\n")
            try FileManager.default.createSymbolicLink(atPath: project.path("resources/shared"), withDestinationPath: "../shared-lib")
            project.writeConfig(reconnect: ["enabled": "false"])
            let why = try project.launch(["check", "--why", "shared-lib/util.js", "resources/shared/util.js"])
            #expect(await why.waitForExit() == .exited(0))
            #expect(why.log.lines == [
                "shared-lib/util.js: watched (through the symbolic link resources/shared, as resources/shared/util.js): a save → restarting the server",
                "resources/shared/util.js: watched: a save → restarting the server",
            ])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("shared-lib/util.js", "// edited where it really is\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/shared/util.js ·"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("editor saves are one cycle each, naming the real file", arguments: EditorSave.allCases.filter { $0 != .realVim })
    func editorSave(_ editor: EditorSave) async throws {
        try await editor.isOneCycle()
    }

    @Test("a save by the real vim is one cycle, naming the real file", .enabled(if: EditorSave.vim != nil, "vim is not installed (scripts/ensure-deps installs vim-tiny)"))
    func realVimSave() async throws {
        try await EditorSave.realVim.isOneCycle()
    }

    // MARK: altv-dev itself

    @Test("a second altv-dev watch in the same project refuses with a clear message")
    func secondInstance() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let first = try project.launch(["watch"])
            #expect(await first.log.wait(for: "✓ #1"))
            let second = try project.launch(["watch"])
            #expect(await second.waitForExit() == .exited(1))
            #expect(second.log.count(containing: "another altv-dev watch (pid \(first.pid)) is already running for \(project.path("altv-dev.toml"))") == 1)
            #expect(first.log.serverStarts == 1)
            await project.stopAndExpectNothingLeft(first)
        }
    }
}

/// Editors' ways of saving, step by step as they do them.
enum EditorSave: String, CaseIterable, Sendable, CustomTestStringConvertible {
    case inPlace, vimProbeAndRename, realVim, emacs, jetBrains

    var testDescription: String { rawValue }

    /// Checks that this editor's save is one cycle naming the real file, under `watch` settings.
    func isOneCycle(watch settings: [String: String] = [:]) async throws {
        try await withProject { project in
            // A real editor does its steps within a millisecond; this test's steps, on a loaded machine,
            // can take longer than the default 100 ms between them. A 1 s quiet period keeps the premise.
            project.writeConfig(watch: ["debounce": "\"1s\""].merging(settings) { $1 }, reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            try save(project, "resources/core/server/index.js")
            // The number is the point here: had the save made two cycles, the sentinel below would be #4.
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js ·"))
            project.append("resources/chat/server/index.js", "// sentinel\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/chat/server/index.js ·"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// The vim installed here, if any.
    static let vim = ["/usr/bin/vim", "/usr/bin/vim.tiny", "/usr/bin/vi"].first(where: FileManager.default.isExecutableFile)

    /// Saves `relative` like this editor.
    func save(_ project: TestProject, _ relative: String) throws {
        let file = project.path(relative)
        let folder = (file as NSString).deletingLastPathComponent
        let name = (file as NSString).lastPathComponent
        let content = "// saved by \(rawValue)\n"
        switch self {
        case .inPlace:
            project.append(relative, content)
        case .vimProbeAndRename:
            // vim: a 4913 probe, swap file, the original renamed to a backup, a new file written, the backup deleted.
            project.write("resources/core/server/.\(name).swp", "swap")
            project.write("resources/core/server/4913", "")
            try FileManager.default.removeItem(atPath: folder + "/4913")
            #expect(rename(file, file + "~") == 0)
            project.write(relative, content)
            try FileManager.default.removeItem(atPath: file + "~")
            try FileManager.default.removeItem(atPath: folder + "/.\(name).swp")
        case .realVim:
            guard let vim = Self.vim else { throw HarnessError("vim is not installed") }
            let process = try ChildProcess(.init(argv: [vim, "-u", "NONE", "-i", "NONE", "-N", "-n", "-es", "-c", "$put ='// vim'", "-c", "wq", file]))
            close(process.outputDescriptor)
            process.closeInput()
            let done = DispatchSemaphore(value: 0)
            Task { _ = await process.exit.wait(); done.signal() }
            done.wait()
        case .emacs:
            // emacs: a lock symlink .#name, an auto-save #name#, the write, then both removed.
            try FileManager.default.createSymbolicLink(atPath: folder + "/.#\(name)", withDestinationPath: "user@host.1234:1")
            project.write("resources/core/server/#\(name)#", "autosave")
            project.append(relative, content)
            try FileManager.default.removeItem(atPath: folder + "/#\(name)#")
            try FileManager.default.removeItem(atPath: folder + "/.#\(name)")
        case .jetBrains:
            // JetBrains "safe write": write a temp, move the original aside, move the temp in, delete the old.
            project.write(relative + "___jb_tmp___", content)
            #expect(rename(file, file + "___jb_old___") == 0)
            #expect(rename(file + "___jb_tmp___", file) == 0)
            try FileManager.default.removeItem(atPath: file + "___jb_old___")
        }
    }
}

/// A TCP listener a test holds, to make a port busy.
final class ListeningSocket: @unchecked Sendable {
    private var fd: Int32

    init(port: Int) throws {
        fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, listen(fd, 4) == 0 else { throw HarnessError("cannot listen on \(port)") }
    }

    func close() {
        if fd >= 0 { Glibc.close(fd) }
        fd = -1
    }

    deinit { close() }
}

/// Memory figures of a running process.
enum Memory {
    /// VmHWM: the most resident memory the process ever had.
    static func peakResidentKilobytes(of pid: pid_t) throws -> Int {
        guard let status = ProcFile.text("/proc/\(pid)/status") else { throw HarnessError("no process \(pid)") }
        let line = status.split(separator: "\n").first { $0.hasPrefix("VmHWM:") } ?? ""
        return Int(line.split(separator: " ").dropFirst().first ?? "") ?? .max
    }
}
