import FoundationEssentials
import Glibc

/// What a line typed at altv-dev's terminal means: one of altv-dev's own `:` commands, or a
/// line for the server's console.
public enum ConsoleCommand: Equatable, Sendable {
    case restart
    /// From the control socket (`send restart-resource NAME`); typed, `restart NAME` goes to the console.
    case restartResource(String)
    case reconnect
    case quit
    case help
    case unknown(String)
    case server(String)

    public init?(line: String) {
        let trimmed = line.trimmingWhitespace()
        guard !trimmed.isEmpty else { return nil }
        // nodemon's habit: `rs` alone restarts (no server console command is called rs).
        if trimmed == "rs" {
            self = .restart
            return
        }
        guard trimmed.hasPrefix(":") else {
            self = .server(trimmed)
            return
        }
        switch trimmed {
        case ":r": self = .restart
        case ":rc": self = .reconnect
        case ":q": self = .quit
        case ":help", ":h", ":?": self = .help
        default: self = .unknown(trimmed)
        }
    }

    public static let helpText = """
        lines you type go to the server's console (e.g. `restart core`); altv-dev's own commands:
          :r     restart the server now (rs does too, as in nodemon)
          :rc    make the game client reconnect now
          :q     stop the server and quit
          :help  this list
        """
}

/// Reads altv-dev's standard input line by line on its own thread, only when it is a terminal:
/// piped or redirected input (CI, `watch < /dev/null`) is left alone.
public enum ConsoleInput {
    /// `onEndOfInput` is called at each Ctrl+D at a terminal that is still there: reading goes on, so
    /// `:q` still works after it. `onClose` once when the terminal went away (hung up) or input ended.
    /// With `onEdit` (the status line is drawn), the terminal's line editing is off and the typed
    /// line is kept by a `LineEditor`: `onEdit` draws it after each key, `onLine` gets it at Enter.
    public static func start(
        descriptor: Int32 = STDIN_FILENO, onLine: @escaping @Sendable (String) -> Void, onEndOfInput: @escaping @Sendable () -> Void = {},
        onClose: @escaping @Sendable () -> Void = {}, onEdit: (@Sendable (String) -> Void)? = nil
    ) -> Bool {
        guard isatty(descriptor) == 1 else { return false }
        OSThread.start(name: "altv-dev console") {
            var reader = Reader(onLine: onLine, onEndOfInput: onEndOfInput, onEdit: onEdit)
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = read(descriptor, &buffer, buffer.count)
                if count < 0, errno == EINTR { continue }
                // Ctrl+D ends one read at a terminal, not the terminal: the next read waits for typing again.
                if count == 0, !hungUp(descriptor) {
                    onEndOfInput()
                    continue
                }
                if count <= 0 {
                    onClose()
                    return
                }
                reader.take(buffer[..<count])
            }
        }
        return true
    }

    /// Bytes to lines: split at new lines as the terminal's own editing gave them, or key by key.
    struct Reader {
        let onLine: @Sendable (String) -> Void
        let onEndOfInput: @Sendable () -> Void
        let onEdit: (@Sendable (String) -> Void)?
        var pending: [UInt8] = []
        var editor = LineEditor()

        mutating func take(_ bytes: ArraySlice<UInt8>) {
            guard let onEdit else {
                pending.append(contentsOf: bytes)
                while let newline = pending.firstIndex(of: UInt8(ascii: "\n")) {
                    var line = Array(pending[..<newline])
                    if line.last == UInt8(ascii: "\r") { line.removeLast() }
                    pending.removeSubrange(...newline)
                    onLine(String(decoding: line, as: UTF8.self))
                }
                return
            }
            var edited = false
            for byte in bytes {
                switch editor.feed(byte) {
                case .edited?: edited = true
                case .submitted(let line)?:
                    onEdit("")
                    edited = false
                    onLine(line)
                case .endOfInput?: onEndOfInput()
                case nil: break
                }
            }
            // A paste is drawn once, not once per byte.
            if edited { onEdit(editor.text) }
        }
    }

    /// The terminal is gone (its other side closed): reads would end at once, forever.
    static func hungUp(_ descriptor: Int32) -> Bool {
        var request = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
        return poll(&request, 1, 0) > 0 && request.revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0
    }
}
