import AltVDev
import Foundation
import Glibc
import Synchronization

/// The altv-dev binary built next to this test bundle.
enum Binary {
    static let path: String = {
        let beside = URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent().appendingPathComponent("altv-dev").path
        if FileManager.default.isExecutableFile(atPath: beside) { return beside }
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().deletingLastPathComponent()
        return root.appendingPathComponent(".build/debug/altv-dev").path
    }()
}

/// The repository this test bundle was built from (for scripts/ and schemas/).
enum Repository {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent().path
}

/// A process a test started, in its own process group, with its output collected.
final class Launched: Sendable {
    let process: ChildProcess
    let log: OutputLog
    /// With a terminal: every byte it showed, exactly, for a `ScreenModel`.
    private let terminalBytes = Mutex<[UInt8]>([])

    /// With `terminal`, the child's stdin, stdout and stderr are that pseudo-terminal, and the log is what it shows.
    init(
        _ argv: [String], cwd: String, environment: [String: String], keepLines: Int = .max, standardInput: Int32? = nil,
        terminal: Terminal? = nil
    ) throws {
        log = OutputLog(limit: keepLines, raw: terminal != nil)
        var options = ChildProcess.Options(argv: argv, cwd: cwd, environment: environment)
        options.newSession = true
        options.standardInput = terminal?.replica ?? standardInput
        options.standardOutput = terminal?.replica
        process = try ChildProcess(options)
        if let terminal {
            close(process.outputDescriptor)
            readTerminal(dup(terminal.primary))
        } else {
            OutputPump.start(descriptor: process.outputDescriptor, name: argv.joined(separator: " "), handler: log)
        }
    }

    var pid: pid_t { process.pid }

    /// Every byte the terminal got, as it came.
    var terminalOutput: [UInt8] { terminalBytes.withLock { $0 } }

    /// What the terminal shows now.
    var screen: ScreenModel { ScreenModel(String(decoding: terminalBytes.withLock { $0 }, as: UTF8.self)) }

    /// Reads the terminal as it comes: all bytes kept; each piece between newlines also goes to the
    /// log at once (a status line never ends with one), so waits see it.
    private func readTerminal(_ descriptor: Int32) {
        Thread { [self] in
            var buffer = [UInt8](repeating: 0, count: 65536)
            var partial: [UInt8] = []
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                guard count > 0 else { break }
                let chunk = buffer[..<count]
                terminalBytes.withLock { $0 += chunk }
                let pieces = (partial + chunk).split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
                for piece in pieces { Array(piece).withUnsafeBytes { log.handle(line: $0) } }
                partial = chunk.last == UInt8(ascii: "\n") ? [] : Array(pieces.last ?? [])
            }
            close(descriptor)
            log.finished()
        }.start()
    }

    func signal(_ signal: Int32) { kill(process.pid, signal) }

    /// The exit status once the process exited and its output was read to the end; nil if that
    /// did not happen within `timeout`.
    func waitForExit(timeout: Duration = .seconds(45)) async -> ExitStatus? {
        let deadline = ContinuousClock.now + timeout
        guard let status = await process.exit.wait(until: deadline), await log.closed.wait(until: deadline) != nil else { return nil }
        return status
    }

    func killGroup() { ProcessGroup.signal(process.processGroup, SIGKILL) }
}

/// A throwaway alt:V project in a temp folder, with its own ports, password and process marker.
final class TestProject: @unchecked Sendable {
    let root: String
    let serverPort: Int
    let password: String
    /// Every process altv-dev starts inherits this variable, so leftovers can be found.
    let marker = "ALTV_DEV_TEST_MARKER=" + UUID().uuidString
    private var launched: [Launched] = []
    private let lock = NSLock()

    init() throws {
        root = (NSTemporaryDirectory() as NSString).appendingPathComponent("altv-dev-test-" + UUID().uuidString)
        serverPort = try FreePort.find()
        password = "pw-" + UUID().uuidString.prefix(8)
        try FileManager.default.createDirectory(atPath: root, withIntermediateDirectories: true)
        write("server.toml", """
            name = "test server"
            host = "127.0.0.1"
            port = \(serverPort)
            password = "\(password)"
            debug = true
            resources = ["core", "chat"]
            """)
        for resource in ["core", "chat"] {
            write("resources/\(resource)/resource.toml", "type = \"js\"\nmain = \"server/index.js\"\nclient-main = \"client/index.js\"\n")
            write("resources/\(resource)/server/index.js", "import * as alt from \"alt-server\";\nalt.log(\"\(resource)\");\n")
            write("resources/\(resource)/client/index.js", "import * as alt from \"alt-client\";\n")
        }
    }

    /// Writes `altv-dev.toml`: test defaults, with `server`, `watch` and `reconnect` keys added or replaced.
    func writeConfig(
        serverFlags: [String] = [], server: [String: String] = [:], watch: [String: String] = [:],
        reconnectURL: String? = nil, reconnect: [String: String] = [:], extra: String = ""
    ) {
        let command = ([Binary.path, "sim", "server", "--startup-delay", "50ms"] + serverFlags).map { "\"\($0)\"" }
        let tables: [(String, [String: String])] = [
            ("server", ["command": "[\(command.joined(separator: ", "))]", "stop_timeout": "\"5s\""].merging(server) { $1 }),
            ("watch", ["paths": "[\"resources\"]", "debounce": "\"100ms\""].merging(watch) { $1 }),
            ("reconnect", [
                "url": "\"\(reconnectURL ?? "http://127.0.0.1:1")\"", "retry_interval": "\"200ms\"", "timeout": "\"10s\"",
            ].merging(reconnect) { $1 }),
        ]
        write("altv-dev.toml", tables.map { name, keys in
            "[\(name)]\n" + keys.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
        }.joined(separator: "\n") + (extra.isEmpty ? "" : "\n" + extra))
    }

    func path(_ relative: String) -> String { (root as NSString).appendingPathComponent(relative) }

    func write(_ relative: String, _ content: String) {
        let file = path(relative)
        try? FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        _ = FileManager.default.createFile(atPath: file, contents: Data(content.utf8))
    }

    /// Appends to a file in place, as an editor that writes without rename does.
    func append(_ relative: String, _ content: String) {
        let fd = open(path(relative), O_WRONLY | O_APPEND | O_CREAT, 0o644)
        _ = content.withCString { Glibc.write(fd, $0, strlen($0)) }
        close(fd)
    }

    /// Starts the simulated game client on a free port; returns it and its URL.
    /// With `on`, the client runs on that test host and listens on its address.
    func startClient(state: String = "MAIN_MENU", fault: String? = nil, on host: TestHost? = nil, extra: [String] = []) async throws -> (Launched, String) {
        let argv = [Binary.path, "sim", "client", "--port", "0", "--server", "127.0.0.1:\(serverPort)", "--state", state]
            + (fault.map { ["--fault", $0] } ?? []) + (host.map { ["--host", $0.address] } ?? []) + extra
        let client = try Launched(host?.inside(argv) ?? argv, cwd: root, environment: ProcessInfo.processInfo.environment)
        track(client)
        guard await client.log.wait(for: "HTTP Debug Server started listening on", timeout: .seconds(30)),
            let line = client.log.lines.first(where: { $0.contains("listening on") }),
            let address = line.split(separator: " ").last
        else {
            throw HarnessError("the simulated client did not start: \(client.log.text)")
        }
        return (client, "http://\(address)")
    }

    /// Starts `altv-dev ARGS` in the project, tagged with the marker; `through` runs it by way of another
    /// program that execs it (a shell setting a limit).
    func launch(
        _ arguments: [String], environment extra: [String: String] = [:], keepLines: Int = .max, standardInput: Int32? = nil,
        terminal: Terminal? = nil, keepColors: Bool = false, through wrapper: [String] = []
    ) throws -> Launched {
        var environment = ProcessInfo.processInfo.environment
        environment.removeValue(forKey: "ALTV_SERVER_PASSWORD")
        // Every loop of the suite writes its events, and every line is checked against the schema at the end.
        let arguments = arguments.first == "watch" && !arguments.contains("--events") ? arguments + ["--events", eventsFile] : arguments
        let (name, value) = marker.split(separator: "=", maxSplits: 1).map(String.init).pair
        environment[name] = value
        // swift test may hand NO_COLOR down to us: a test that wants colours (or the status line) takes it away.
        if keepColors { environment.removeValue(forKey: "NO_COLOR") } else { environment["NO_COLOR"] = "1" }
        environment.merge(extra) { _, new in new }
        let process = try Launched(
            wrapper + [Binary.path] + arguments, cwd: root, environment: environment, keepLines: keepLines, standardInput: standardInput,
            terminal: terminal)
        track(process)
        return process
    }

    private func track(_ process: Launched) { lock.withLock { launched.append(process) } }

    /// Live processes (zombies aside) that carry this project's marker.
    func survivors() -> [pid_t] {
        let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? []
        return entries.compactMap { pid_t($0) }.filter { pid in
            guard let environ = ProcFile.read("/proc/\(pid)/environ", chunk: 4096),
                environ.split(separator: 0).contains(where: { String(decoding: $0, as: UTF8.self) == marker })
            else { return false }
            return ProcessTree.isLiving(pid)
        }
    }

    /// Polls for leftovers to go, for processes that are not ours to wait on.
    func waitForNoSurvivors(timeout: Duration = .seconds(10)) async -> [pid_t] {
        let deadline = ContinuousClock.now + timeout
        while true {
            let alive = survivors()
            if alive.isEmpty || ContinuousClock.now >= deadline { return alive }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    /// Kills everything the test started, whatever happened, and removes the folder.
    /// Where `watch` writes its events: beside the project, so the loop does not watch it.
    var eventsFile: String { root + ".events.ndjson" }

    func cleanUp() {
        for process in lock.withLock({ launched }) { process.killGroup() }
        for pid in survivors() { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: root)
        try? FileManager.default.removeItem(atPath: eventsFile)
    }
}

/// Runs `body` with a fresh project and always cleans up after it.
func withProject(_ body: (TestProject) async throws -> Void) async throws {
    let project = try TestProject()
    do {
        try await body(project)
    } catch {
        project.cleanUp()
        throw error
    }
    await project.checkEvents()
    project.cleanUp()
}

struct HarnessError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Array where Element == String {
    var pair: (String, String) { (self[0], count > 1 ? self[1] : "") }
}

/// A TCP port nobody uses right now, below the kernel's ephemeral range (32768 and up), so an
/// outgoing connection elsewhere cannot take it between the check and its use.
enum FreePort {
    /// Ports handed out in this process: a project holds its port across server restarts, so a
    /// port that is free right now may still belong to another test's project.
    private static let handedOut = Mutex<Set<Int>>([])

    static func find() throws -> Int {
        for _ in 0..<200 {
            let port = Int.random(in: 20000..<32000)
            guard try bindable(port) else { continue }
            if handedOut.withLock({ $0.insert(port).inserted }) { return port }
        }
        throw HarnessError("no free port between 20000 and 32000")
    }

    static func bindable(_ port: Int) throws -> Bool {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        address.sin_port = in_port_t(UInt16(port).bigEndian)
        let length = socklen_t(MemoryLayout<sockaddr_in>.size)
        return withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 }
        }
    }
}
