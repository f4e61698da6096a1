import AltVDev
import CProcessSpawn
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization
import TOML

/// A stand-in for `altv-server` that behaves as `shared/altv/README.md` describes the real one:
/// its output format (colour codes, C stdio's buffering), resources and their dependencies, console
/// commands and answers, JS load errors, graceful stop, and a game port clients join.
///
/// Switches make it misbehave on purpose (slow start, crash, ignored signals, a lingering child)
/// so the demo and the tests can see altv-dev cope. altv-dev never knows it is talking to this.
public final class SimulatedServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var directory: String
        public var startupDelay: Duration = .milliseconds(300)
        public var crashOnStart = false
        public var ignoreSignals = false
        /// Starts a child in the server's process group that ignores SIGINT and SIGTERM.
        public var spawnChild = false
        /// Like `spawnChild`, but the child also holds the game port (it inherits the socket).
        public var childHoldsPort = false
        /// Bytes printed without a newline before start-up goes on.
        public var bytesWithoutNewline = 0
        /// Print lines with invalid UTF-8, the ready line among them.
        public var invalidUTF8 = false
        /// Megabytes of log lines printed as fast as possible once started.
        public var floodMegabytes = 0
        /// Exit with status 1 this long after start-up.
        public var exitAfter: Duration?
        /// How long a console `restart <name>` takes before the resource is loaded again.
        public var resourceRestartDelay: Duration = .zero
        /// Resource → a file (relative to the server's folder) it writes each time it loads, as
        /// alt:V's `dbg_reconnect` writes `ipc.txt`.
        public var writesOnLoad: [String: String] = [:]
        public init(directory: String) { self.directory = directory }
    }

    let options: Options
    /// One write to stdout (and server.log) at a time, as the real server's logger does.
    private let writing = Mutex(())
    /// server.log, as the real server writes it (-1 when it cannot be opened); set before any thread starts.
    private var log: Int32 = -1
    private struct State {
        var loaded: [String] = []
        var clients: [Int32] = []
    }
    private let state = Mutex(State())
    private var toml: ServerToml
    /// The real server's defaults where server.toml is silent.
    private var host: String { toml.host ?? "0.0.0.0" }
    private var port: Int { toml.port ?? 7788 }

    public init(options: Options) throws {
        self.options = options
        switch ServerToml.read(in: options.directory) {
        case .success(let toml): self.toml = toml
        case .failure(.unreadable): self.toml = ServerToml()
        case .failure(.invalid(let error)): throw error
        }
        let logPath = FilePath.join(options.directory, "server.log")
        log = open(logPath, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
    }

    /// Prints a line the way the real server does: a colour code, `[HH:MM:SS]`, then the level tag,
    /// if any; `coloured` is a part (a resource name) printed in its own colour, on the terminal only.
    func say(_ message: String, level: String? = nil, coloured: String? = nil) {
        var now = time(nil)
        var parts = tm()
        localtime_r(&now, &parts)
        var buffer = [UInt8](repeating: 0, count: 16)
        let length = strftime(&buffer, buffer.count, "%H:%M:%S", &parts)
        let stamp = String(decoding: buffer.prefix(length), as: UTF8.self)
        let head = "[\(stamp)]" + (level.map { "[\($0)]" } ?? "") + " " + message
        writing.withLock { _ in
            Self.write(Array((Self.white + head + (coloured.map { Self.green + $0 } ?? "") + "\n").utf8))
            if log >= 0 { FileDescriptorWriter.writeAll(log, Array((head + (coloured ?? "") + "\n").utf8)) }
        }
    }

    /// Every line starts with this, also on a pipe; the last output at exit is this without a newline.
    static let white = "\u{1B}[37m"
    static let green = "\u{1B}[92m"

    /// Output goes through C stdio, as the real server's does: line-buffered on a terminal, held
    /// back in blocks on a pipe until the buffer fills or the process exits (`stdbuf -oL` changes that).
    static func write(_ bytes: [UInt8]) {
        bytes.withUnsafeBytes { write($0) }
    }

    static func write(_ bytes: UnsafeRawBufferPointer) {
        guard let base = bytes.baseAddress, bytes.count > 0 else { return }
        _ = altv_stdio_write(base, bytes.count)
    }

    /// A line without timestamp, as a resource's `console.log` or Node's error block prints it.
    func raw(_ text: String) {
        writing.withLock { _ in Self.write(Array((text + "\n").utf8)) }
    }

    /// Runs until stopped; returns the exit code.
    public func run() -> Int32 {
        Glibc.signal(SIGPIPE, SIG_IGN)
        handleSignals()

        say("alt:V Server, build #1286, branch release")
        say("Starting \(toml.name ?? "alt:V Server") on \(host):\(port)")
        if options.spawnChild { startStubbornChild() }
        if options.crashOnStart {
            say("terminate called after throwing an instance of 'std::runtime_error'")
            say("  what():  simulated crash on start")
            say("Aborted (core dumped)")
            altv_stdio_flush()
            abort134()
        }
        sleep(for: options.startupDelay / 2)
        if options.bytesWithoutNewline > 0 { printWithoutNewline(options.bytesWithoutNewline) }
        for resource in toml.resources { _ = load(resource) }
        guard let listener = listen() else { abortLikeTheRealServer() }
        if options.childHoldsPort { startStubbornChild(holding: listener) }
        say("Starting HTTP server on \(host):\(port)")
        say("Main thread started (ThreadId: \(getpid()))")
        sleep(for: options.startupDelay / 2)
        if options.invalidUTF8 {
            writing.withLock { _ in
                Self.write([0xFF, 0xFE, 0x20] + Array("broken \u{1B}[31mbytes\u{1B}[0m ".utf8) + [0xC3, 0x28, 0x0A])
                Self.write([0xC0, 0xAF] + Array(" Server started\n".utf8))
            }
        } else {
            say("Server started")
        }
        if options.floodMegabytes > 0 { flood(megabytes: options.floodMegabytes) }
        if let exitAfter = options.exitAfter {
            sleep(for: exitAfter)
            say("Segmentation fault (simulated exit)", level: "Error")
            // A crash runs no exit handlers; exit(1) would spend tens of milliseconds in them.
            _exit(1)
        }

        OSThread.start(name: "sim accept") { self.acceptClients(listener) }
        OSThread.start(name: "sim console") { self.readConsole() }
        let forever = DispatchSemaphore(value: 0)
        forever.wait()
        return 0
    }

    /// SIGINT, SIGTERM and SIGHUP stop the server gracefully, unless told to ignore them. The handler
    /// is a plain one installed at once (it writes to a pipe a thread of ours reads): a signal never
    /// lands in a moment when it is ignored, as it did while a dispatch source was still being armed.
    private func handleSignals() {
        let ignore = options.ignoreSignals
        SimulatorSupport.onSignals([SIGINT, SIGTERM, SIGHUP]) { if !ignore { self.shutdown() } }
    }

    private func sleep(for duration: Duration) { SimulatorSupport.sleep(for: duration) }

    /// Loads a resource after the ones it depends on; false when it failed.
    private func load(_ resource: String, chain: [String] = []) -> Bool {
        if state.withLock({ $0.loaded.contains(resource) }) { return true }
        say("Loading resource ", coloured: resource)
        let folder = FilePath.join(options.directory, "resources/\(resource)")
        let manifest = FilePath.join(folder, "resource.toml")
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8) else {
            say("Could not open resource.toml", level: "Error")
            return failed(resource)
        }
        let table: TOMLTable
        do {
            table = try TOMLParser.parse(text)
        } catch {
            say("resource.toml of \(resource): \(error.message) (line \(error.line), column \(error.column))", level: "Error")
            return failed(resource)
        }
        let deps = (table["deps"]?.value.array ?? []).compactMap { $0.value.string }
        for dependency in deps where !chain.contains(dependency) {
            guard load(dependency, chain: chain + [resource]) else { return failed(resource) }
        }
        if let main = table["main"]?.value.string, let error = Self.loadError(of: FilePath.join(folder, main)) {
            // Node's own block, raw, before the server's line about it.
            for line in error { raw(line) }
            return failed(resource)
        }
        state.withLock { $0.loaded.append(resource) }
        if let file = options.writesOnLoad[resource] {
            let fd = open(FilePath.join(options.directory, file), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o644)
            if fd >= 0 {
                FileDescriptorWriter.writeAll(fd, Array("\(getpid()) \(ContinuousClock.now)\n".utf8))
                close(fd)
            }
        }
        say("Loaded resource ", coloured: resource)
        return true
    }

    private func failed(_ resource: String) -> Bool {
        say("Failed to load resource ", level: "Error", coloured: resource)
        return false
    }

    /// What the embedded Node prints when the resource's main file throws at load (`throw new
    /// Error("…")` at the top level) or does not parse (unbalanced parentheses); nil when it loads.
    static func loadError(of file: String) -> [String]? {
        guard let text = try? String(contentsOfFile: file, encoding: .utf8) else { return nil }
        if text.filter({ $0 == "(" }).count != text.filter({ $0 == ")" }).count {
            return ["SyntaxError: missing ) after argument list", "    at Loader.moduleStrategy (internal/modules/esm/translators.js:133:18)"]
        }
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            guard let range = line.firstRange(of: "throw new Error(") else { continue }
            let message = line[range.upperBound...].split(separator: ")").first.map { $0.filter { !"\"'`".contains($0) } } ?? ""
            let column = line.distance(from: line.startIndex, to: range.lowerBound) + 1
            return [
                "Error: \(message)", "    at file://\(file):\(index + 1):\(column)",
                "    at ModuleJob.run (internal/modules/esm/module_job.js:152:23)",
            ]
        }
        return nil
    }

    /// Stops a resource and, first, every loaded resource that depends on it; returns those, in load order.
    @discardableResult
    private func unload(_ resource: String) -> [String] {
        say("Stopping resource ", coloured: resource)
        var stopped: [String] = []
        for dependent in state.withLock({ $0.loaded }) where dependent != resource && dependsOn(dependent, resource) {
            guard state.withLock({ $0.loaded.contains(dependent) }) else { continue }
            say("Stopping resource ", coloured: dependent)
            state.withLock { state in state.loaded.removeAll { $0 == dependent } }
            say("Stopped resource ", coloured: dependent)
            stopped.append(dependent)
        }
        state.withLock { state in state.loaded.removeAll { $0 == resource } }
        say("Stopped resource ", coloured: resource)
        return stopped
    }

    /// Whether `resource` lists `dependency` in its deps, directly or through another.
    private func dependsOn(_ resource: String, _ dependency: String, seen: Set<String> = []) -> Bool {
        let manifest = FilePath.join(options.directory, "resources/\(resource)/resource.toml")
        guard let text = try? String(contentsOfFile: manifest, encoding: .utf8), let table = try? TOMLParser.parse(text) else { return false }
        let deps = (table["deps"]?.value.array ?? []).compactMap { $0.value.string }
        return deps.contains(dependency) || deps.contains { !seen.contains($0) && dependsOn($0, dependency, seen: seen.union([resource])) }
    }

    private func shutdown() -> Never {
        for resource in state.withLock({ $0.loaded }).reversed() where state.withLock({ $0.loaded.contains(resource) }) { unload(resource) }
        state.withLock { $0.clients.forEach { Glibc.shutdown($0, Int32(SHUT_RDWR)) } }
        say("Server shutdown")
        writing.withLock { _ in Self.write(Array(Self.white.utf8)) }
        // exit() flushes C stdio: what a pipe held back comes out now.
        exit(0)
    }

    /// `[Error] Failed to create host…`, then libstdc++'s last words and SIGABRT (exit 134), as the real server on a taken port.
    private func abortLikeTheRealServer() -> Never {
        say("Failed to create host, make sure no other server is running and the port isn't taken", level: "Error")
        altv_stdio_flush()
        FileDescriptorWriter.writeAll(STDERR_FILENO, Array("terminate called without an active exception\n".utf8))
        abort134()
    }

    /// Dies of SIGABRT like the real server, without the Swift runtime's crash report or a core file.
    private func abort134() -> Never {
        var limit = rlimit(rlim_cur: 0, rlim_max: 0)
        setrlimit(__rlimit_resource_t(RLIMIT_CORE.rawValue), &limit)
        Glibc.signal(SIGABRT, SIG_DFL)
        var abortOnly = sigset_t()
        sigemptyset(&abortOnly)
        sigaddset(&abortOnly, SIGABRT)
        pthread_sigmask(SIG_UNBLOCK, &abortOnly, nil)
        raise(SIGABRT)
        _exit(134)
    }

    private func readConsole() {
        while let line = Swift.readLine() {
            // Like a real console: words split at any white space, no quoting.
            let words = line.split(whereSeparator: \.isWhitespace).map(String.init)
            guard let command = words.first else { continue }
            switch command {
            case "exit", "quit": shutdown()
            case "restart", "stop", "start":
                guard words.count == 2 else {
                    say(" Usage: \(command) [resourcename]")
                    continue
                }
                console(command, words[1])
            default:
                // The real console prints nothing for a command it does not know.
                continue
            }
        }
    }

    /// `restart`, `stop` or `start` of one resource, answered as the real console answers.
    private func console(_ command: String, _ name: String) {
        let isLoaded = state.withLock { $0.loaded.contains(name) }
        switch command {
        case "start":
            if isLoaded { say("Resource already loaded", level: "Warning") } else { _ = load(name) }
        case _ where !isLoaded:
            say("No such resource \(name) is loaded", level: "Error")
        case "stop":
            unload(name)
        default:
            say("For changes in permissions, restarting server is required for changes to apply", level: "Warning")
            let dependents = unload(name)
            sleep(for: options.resourceRestartDelay)
            // The server loads the dependents it stopped again itself, after the resource.
            if load(name) { for dependent in dependents { _ = load(dependent) } }
        }
    }

    /// Binds the game port, as the real server does; a taken port ends the start.
    private func listen() -> Int32? { SimulatorSupport.listen(host: host, port: UInt16(port)) }

    /// Clients send `CONNECT <password>`; the server answers `OK` or `DENIED`, then keeps the link.
    private func acceptClients(_ listener: Int32) {
        while true {
            let client = accept(listener, nil, nil)
            guard client >= 0 else { continue }
            OSThread.start(name: "sim client") {
                let request = Self.readLine(from: client) ?? ""
                let given = request.hasPrefix("CONNECT") ? String(request.dropFirst("CONNECT".count).drop(while: { $0 == " " })) : ""
                if let expected = self.toml.password, !expected.isEmpty, expected != given {
                    FileDescriptorWriter.writeAll(client, Array("DENIED wrong password\n".utf8))
                    self.say("Client authentication failed: wrong password", level: "Warning")
                    close(client)
                    return
                }
                FileDescriptorWriter.writeAll(client, Array("OK\n".utf8))
                self.state.withLock { $0.clients.append(client) }
                self.say("> Player connected")
                var byte: UInt8 = 0
                while read(client, &byte, 1) > 0 {}
                self.say("> Player disconnected")
                self.state.withLock { state in state.clients.removeAll { $0 == client } }
                close(client)
            }
        }
    }

    static func readLine(from fd: Int32) -> String? {
        var bytes: [UInt8] = []
        var byte: UInt8 = 0
        while read(fd, &byte, 1) == 1 {
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
            if bytes.count > 4096 { break }
        }
        return bytes.isEmpty ? nil : String(decoding: bytes, as: UTF8.self)
    }

    /// A child in the server's own process group that ignores the polite signals, like a stuck
    /// crash handler or node worker: only a SIGKILL to the group ends it. Given a socket, the
    /// child keeps it as its stdin, and with it the port.
    private func startStubbornChild(holding socket: Int32? = nil) {
        var pid: pid_t = 0
        let argv = ["/bin/sh", "-c", "trap '' INT TERM HUP; while :; do sleep 1; done"]
        let environment = ProcessInfo.processInfo.environment.map { "\($0.key)=\($0.value)" }
        let code = withCStrings(argv) { argv in
            withCStrings(environment) { envp in
                altv_spawn(&pid, "/bin/sh", argv, envp, nil, socket ?? STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO, 0)
            }
        }
        if code == 0 { say("Started helper process \(pid)" + (socket == nil ? "" : " holding the game port")) }
    }

    private func printWithoutNewline(_ count: Int) {
        let chunk = [UInt8](repeating: UInt8(ascii: "x"), count: 64 * 1024)
        var left = count
        writing.withLock { _ in
            while left > 0 {
                let size = min(left, chunk.count)
                chunk.withUnsafeBytes { Self.write(UnsafeRawBufferPointer(rebasing: $0.prefix(size))) }
                left -= size
            }
            Self.write(Array("\n".utf8))
        }
    }

    /// Log lines as fast as the pipe takes them, in big writes like a chatty script would.
    private func flood(megabytes: Int) {
        let line = Array("[00:00:00][js] tick: the quick brown fox jumps over the lazy dog 0123456789\n".utf8)
        var block: [UInt8] = []
        while block.count < 256 * 1024 { block += line }
        var left = megabytes * 1024 * 1024
        while left > 0 {
            let size = min(left, block.count)
            writing.withLock { _ in block.withUnsafeBytes { Self.write(UnsafeRawBufferPointer(rebasing: $0.prefix(size))) } }
            left -= size
        }
        say("flood done")
    }
}
