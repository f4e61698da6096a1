import CProcessSpawn
import FoundationEssentials
import Glibc

/// A process this program started, usually leading its own process group.
///
/// Its standard output and error share one pipe or one pseudo-terminal (so their lines keep their
/// order) and its standard input is a pipe this side holds open, because servers read their console there.
public final class ChildProcess: Sendable {
    public let pid: pid_t
    /// Equal to `pid` when the child leads its own session.
    public let processGroup: pid_t
    /// Read end of the child's merged stdout and stderr.
    public let outputDescriptor: Int32
    /// Write end of the child's stdin; nil when it reads /dev/null.
    public let inputDescriptor: Int32?
    public let exit = Latch<ExitStatus>()
    /// When the reaper saw it exit.
    private let exitTime = Latch<ContinuousClock.Instant>()
    public var exitedAt: ContinuousClock.Instant? { exitTime.current }
    public let startedAt: ContinuousClock.Instant

    public struct Options: Sendable {
        public var argv: [String]
        public var cwd: String?
        /// The complete environment of the child.
        public var environment: [String: String]
        public var newSession = true
        public var keepStdinOpen = true
        /// A descriptor the child reads as stdin instead (a terminal, say); this side keeps no pipe.
        public var standardInput: Int32?
        /// A descriptor the child writes stdout and stderr to instead (a terminal, say); nothing comes through the pipe then.
        public var standardOutput: Int32?
        /// `.pty`: stdout and stderr are a pseudo-terminal's, so a C program flushes each line instead of each 4 KiB.
        public var output: OutputTransport = .pipe

        public init(argv: [String], cwd: String? = nil, environment: [String: String] = ProcessInfo.processInfo.environment) {
            self.argv = argv
            self.cwd = cwd
            self.environment = environment
        }
    }

    /// Spawns the child; throws a `SpawnError` that names the program and the reason.
    public init(_ options: Options) throws {
        guard let program = options.argv.first else { throw SpawnError(program: "", cwd: options.cwd, code: EINVAL) }
        let output = options.output == .pty && options.standardOutput == nil ? try Pipe2.terminal() : try Pipe2()
        let input = options.keepStdinOpen && options.standardInput == nil ? try Pipe2() : nil
        let devNull = open("/dev/null", O_RDWR | O_CLOEXEC)
        defer {
            close(output.writeEnd)
            if let input { close(input.readEnd) }
            if devNull >= 0 { close(devNull) }
        }
        let latch = exit
        let exitTime = self.exitTime
        var spawnCode: Int32 = 0
        let pid = ProcessReaper.shared.spawn({ () -> pid_t in
            var pid: pid_t = 0
            let environment = options.environment.map { "\($0.key)=\($0.value)" }
            spawnCode = withCStrings(options.argv) { argv in
                withCStrings(environment) { envp in
                    altv_spawn(
                        &pid, program, argv, envp, options.cwd, options.standardInput ?? input?.readEnd ?? devNull, options.standardOutput ?? output.writeEnd,
                        options.standardOutput ?? output.writeEnd,
                        options.newSession ? 1 : 0)
                }
            }
            return spawnCode == 0 ? pid : -1
        }, onExit: { status in
            exitTime.fulfill(.now)
            latch.fulfill(status)
        })
        guard spawnCode == 0 else {
            close(output.readEnd)
            if let input { close(input.writeEnd) }
            throw SpawnError(program: program, cwd: options.cwd, code: spawnCode)
        }
        self.pid = pid
        self.processGroup = options.newSession ? pid : getpgrp()
        self.outputDescriptor = output.readEnd
        self.inputDescriptor = input?.writeEnd
        self.startedAt = .now
    }

    /// Writes a line to the child's stdin; false when it is closed.
    @discardableResult
    public func send(line: String) -> Bool {
        guard let fd = inputDescriptor else { return false }
        return FileDescriptorWriter.writeAll(fd, Array((line + "\n").utf8))
    }

    /// Closes this side of stdin; the child then reads end of file.
    public func closeInput() {
        if let fd = inputDescriptor { close(fd) }
    }

    /// Whether any process is still in the child's group.
    public var groupAlive: Bool { ProcessGroup.isAlive(processGroup) }
}

/// A program could not be started.
public struct SpawnError: Error, CustomStringConvertible {
    public var program: String
    public var cwd: String?
    public var code: Int32

    public var description: String {
        let reason = String(cString: strerror(code))
        var text = "cannot start \(program): \(reason)"
        if let cwd { text += " (in \(cwd))" }
        if code == ENOENT { text += "; check [server] command and cwd, or that the program is on PATH" }
        if code == EACCES { text += "; is it executable? (chmod +x \(program))" }
        return text
    }
}

/// A close-on-exec pipe, or a pseudo-terminal used like one (the child writes, this side reads).
struct Pipe2 {
    let readEnd: Int32
    let writeEnd: Int32

    init() throws {
        var fds: [Int32] = [0, 0]
        guard altv_pipe_cloexec(&fds) == 0 else { throw SpawnError(program: "pipe", cwd: nil, code: errno) }
        readEnd = fds[0]
        writeEnd = fds[1]
        // A bigger pipe for the child's output: fewer switches between a chatty server and the pump (1 MiB is
        // Linux's default ceiling for anyone; best effort).
        _ = fcntl(writeEnd, 1031 /* F_SETPIPE_SZ */, 1 << 20)
    }

    private init(readEnd: Int32, writeEnd: Int32) {
        self.readEnd = readEnd
        self.writeEnd = writeEnd
    }

    /// The primary side is read here; the child writes to the replica, sized like altv-dev's terminal.
    static func terminal() throws -> Pipe2 {
        var primary: Int32 = -1
        var replica: Int32 = -1
        let size = TerminalSize.forChildren()
        let code = altv_open_output_terminal(&primary, &replica, size.rows, size.columns)
        guard code == 0 else { throw SpawnError(program: "a pseudo-terminal", cwd: nil, code: code) }
        return Pipe2(readEnd: primary, writeEnd: replica)
    }
}

/// The window size a child's pseudo-terminal gets: altv-dev's own terminal's, else 200 x 50.
public struct TerminalSize: Equatable, Sendable {
    public var rows: UInt16
    public var columns: UInt16

    public static let fallback = TerminalSize(rows: 50, columns: 200)

    public static func forChildren() -> TerminalSize {
        for descriptor in [STDOUT_FILENO, STDERR_FILENO, STDIN_FILENO] {
            var size = TerminalSize.fallback
            if altv_window_size(descriptor, &size.rows, &size.columns) == 0 { return size }
        }
        return .fallback
    }
}

/// Writes whole buffers to a descriptor, retrying short writes and interrupts.
public enum FileDescriptorWriter {
    @discardableResult
    public static func writeAll(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        bytes.withUnsafeBytes { writeAll(fd, $0) }
    }

    @discardableResult
    public static func writeAll(_ fd: Int32, _ buffer: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset < buffer.count {
            let written = Glibc.write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            if written < 0 {
                if errno == EINTR { continue }
                return false
            }
            offset += written
        }
        return true
    }
}

/// Calls `body` with a NULL-terminated C array of the strings; a file name kept as bytes (not UTF-8)
/// is given as those bytes (a stage's `ALTV_DEV_CHANGED`).
public func withCStrings<R>(_ strings: [String], _ body: (UnsafePointer<UnsafeMutablePointer<CChar>?>) -> R) -> R {
    let pointers = strings.map { string in RawBytes.withCString(string) { strdup($0) } } + [nil]
    defer { pointers.forEach { free($0) } }
    return pointers.withUnsafeBufferPointer { body($0.baseAddress!) }
}
