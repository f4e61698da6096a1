import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// altv-dev's terminal: one lock, one write per line or batch.
///
/// altv-dev's own lines are written as they are: they never contain the password by construction.
/// What others print (the server, stages, services) is masked by `currentRedactor` before it gets here.
public final class Console: Sendable {
    public enum Level: Sendable {
        case info, success, warning, error, debug
        /// A warning whose text says `file:line:column: warning:` itself (the doctor's): no second label.
        case placedWarning
    }

    private struct State {
        var redactor = Redactor(secrets: [])
        var outputClosed: (@Sendable () -> Void)?
        var closedReported = false
        /// The live status line's bytes while it is shown: every write clears it first and draws it again after.
        var status: [UInt8]?
        /// The line being typed (kept by altv-dev's `LineEditor`), drawn under the status line while not empty.
        var input: [UInt8]?

        /// What is drawn at the bottom: the status line, then the typed line with the cursor at its end.
        var bottom: [UInt8] {
            (status ?? []) + (input.map { (status == nil ? [] : [0x0A]) + Console.inputPrompt + $0 } ?? [])
        }

        /// Takes the bottom lines away, leaving the cursor where the first of them began.
        var clearBottom: [UInt8] {
            switch (status != nil ? 1 : 0) + (input != nil ? 1 : 0) {
            case 0: []
            case 1: Console.clearLine
            default: Console.clearLine + Array("\u{1B}[A".utf8) + Console.clearLine
            }
        }
        /// Whose output was written last (a child's name), and how many of altv-dev's own lines came after it.
        var lastWriter: String?
        var ownLinesSince = 0
    }

    /// Back to the line's start, and clear it: the status line's space, before anything else is written.
    static let clearLine = Array("\r\u{1B}[2K".utf8)
    /// Before the typed line, and before each line once it was sent.
    static let inputPrompt = Array("› ".utf8)

    /// Held while a line is written, so lines never interleave.
    private let state = Mutex(State())
    private let descriptor: Int32
    public let colors: Bool
    public let verbose: Bool

    /// Called once when the terminal or pipe we write to goes away (`altv-dev watch | head`):
    /// like a shell tool killed by SIGPIPE, altv-dev then stops, but gracefully.
    public func onOutputClosed(_ handler: @escaping @Sendable () -> Void) {
        state.withLock { $0.outputClosed = handler }
    }

    /// One write under the lock; notices a closed reader.
    private func emit(_ bytes: [UInt8], from writer: String?) {
        state.withLock { state in
            if let writer { (state.lastWriter, state.ownLinesSince) = (writer, 0) } else { state.ownLinesSince += 1 }
            let output = state.status == nil && state.input == nil ? bytes : state.clearBottom + bytes + state.bottom
            guard !FileDescriptorWriter.writeAll(descriptor, output), errno == EPIPE, !state.closedReported,
                let handler = state.outputClosed
            else { return }
            state.closedReported = true
            DispatchQueue.global().async { handler() }
        }
    }

    public init(descriptor: Int32 = STDOUT_FILENO, verbose: Bool = false, colors: Bool? = nil) {
        self.descriptor = descriptor
        self.verbose = verbose
        self.colors = colors ?? Self.takesEscapes(descriptor, environment: ProcessInfo.processInfo.environment)
    }

    /// A terminal that wants escape codes (colours, the status line): not a pipe or a file, and
    /// neither `NO_COLOR` nor `TERM=dumb`.
    public static func takesEscapes(_ descriptor: Int32, environment: [String: String]) -> Bool {
        isatty(descriptor) == 1 && environment["NO_COLOR"] == nil && environment["TERM"] != "dumb"
    }

    /// Secrets to mask in what the server, stages, services and altv-dev print from now on.
    public func setSecrets(_ secrets: [String]) {
        state.withLock { $0.redactor = Redactor(secrets: secrets) }
    }

    /// More secrets to mask, beside those already masked: after a reload the running server still
    /// knows the old password (and may print it).
    public func addSecrets(_ secrets: [String]) {
        state.withLock { state in state.redactor = Redactor(secrets: state.redactor.secretTexts + secrets) }
    }

    public var currentRedactor: Redactor { state.withLock { $0.redactor } }

    /// One of altv-dev's own messages, prefixed `[altv-dev]`.
    public func say(_ message: String, _ level: Level = .info) {
        if level == .debug && !verbose { return }
        let label: String
        switch level {
        case .info: label = ""
        case .success: label = ""
        case .warning: label = "warning: "
        case .placedWarning: label = ""
        case .error: label = "error: "
        case .debug: label = "debug: "
        }
        var text = colors ? ANSI.wrap("[altv-dev]", .magenta) + " " : "[altv-dev] "
        let body = label + Self.escapingControls(currentRedactor.redact(message))
        if colors {
            switch level {
            case .info: text += body
            case .success: text += ANSI.wrap(body, .green)
            case .warning, .placedWarning: text += ANSI.wrap(body, .yellow)
            case .error: text += ANSI.wrap(body, .red)
            case .debug: text += ANSI.wrap(body, .dim)
            }
        } else {
            text += body
        }
        let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
        let output = lines.enumerated().map { $0.offset == 0 ? String($0.element) : "    " + $0.element }.joined(separator: "\n") + "\n"
        emit(Array(output.utf8), from: nil)
    }

    /// Control characters shown as `\x1b`, never sent: a file named with escape sequences must not
    /// rewrite the terminal when altv-dev names it. New lines and tabs stay.
    public static func escapingControls(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        var out = String.UnicodeScalarView()
        for scalar in text.unicodeScalars {
            if isControl(scalar) {
                out.append(contentsOf: RawBytes.hexEscape(RawBytes.isEscape(scalar) ? scalar.value - RawBytes.base : scalar.value).unicodeScalars)
            } else {
                out.append(scalar)
            }
        }
        return String(out)
    }

    private static func isControl(_ scalar: Unicode.Scalar) -> Bool {
        // A byte of a file name that is not UTF-8 is shown as the byte it is, like a control.
        (scalar.value < 0x20 && scalar != "\n" && scalar != "\t") || (0x7F...0x9F).contains(scalar.value) || RawBytes.isEscape(scalar)
    }

    /// Already-prefixed and redacted bytes of `writer`'s output (its name), written as one block.
    public func write(raw bytes: [UInt8], from writer: String) {
        guard !bytes.isEmpty else { return }
        emit(bytes, from: writer)
    }

    /// True when `writer`'s output is the last output on the screen, under at most `ownLinesBetween`
    /// of altv-dev's own lines (a crash's ✗ verdict comes before its exit is said): a failure's
    /// last lines are right above and are not quoted again.
    public func lastWrote(_ writer: String) -> Bool {
        state.withLock { $0.lastWriter == writer && $0.ownLinesSince <= Self.ownLinesBetween }
    }

    public static let ownLinesBetween = 2

    /// Shows `text` as the bottom line, in place, under everything written before and after.
    public func showStatus(_ text: String) {
        state.withLock { state in
            redrawBottom(&state, status: Array(Self.escapingControls(text).utf8), input: state.input)
        }
    }

    /// Shows the line being typed under the status line (nil or empty: none), cursor at its end.
    public func showInput(_ text: String?) {
        state.withLock { state in
            redrawBottom(&state, status: state.status, input: text.flatMap { $0.isEmpty ? nil : Array(Self.escapingControls($0).utf8) })
        }
    }

    /// The bottom lines taken away and drawn again as `status` and `input`, when either changed.
    private func redrawBottom(_ state: inout State, status: [UInt8]?, input: [UInt8]?) {
        guard status != state.status || input != state.input else { return }
        let clear = state.clearBottom
        (state.status, state.input) = (status, input)
        FileDescriptorWriter.writeAll(descriptor, clear + state.bottom)
    }

    /// A line typed and sent: it stays above the output that follows, after the prompt, as a shell keeps it.
    public func keepTyped(_ line: String) {
        emit(Self.inputPrompt + Array(Self.escapingControls(line).utf8) + [0x0A], from: nil)
    }

    /// Takes the status line away (at exit), leaving the cursor at the start of an empty line.
    public func endStatus() {
        state.withLock { state in
            redrawBottom(&state, status: nil, input: nil)
        }
    }

    /// The terminal bell (`[notify]`): on a terminal only, where it is a sound and not a byte in a log.
    public func ringBell() {
        guard isatty(descriptor) == 1 else { return }
        state.withLock { _ in _ = FileDescriptorWriter.writeAll(descriptor, [0x07]) }
    }

    /// Clears the screen and puts the cursor home (`watch --clear`, at the start of each cycle).
    public func clearScreen() {
        state.withLock { state in
            _ = FileDescriptorWriter.writeAll(descriptor, Array("\u{1B}[H\u{1B}[2J".utf8) + state.bottom)
        }
    }

    /// The prefix put before each line of a child's output.
    public func prefix(for name: String) -> [UInt8] {
        Array((colors ? ANSI.wrap("[\(name)]", .cyan) + " " : "[\(name)] ").utf8)
    }
}
