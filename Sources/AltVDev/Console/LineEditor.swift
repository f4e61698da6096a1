/// The line being typed at altv-dev's terminal, kept by altv-dev rather than the terminal's own
/// line editing: the terminal's echo lands wherever the cursor is (glued to the status line) and
/// is wiped by the next output while the text is still pending. Fed one byte at a time, it says
/// what happened; drawing is someone else's.
public struct LineEditor: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        /// The text changed: draw it again.
        case edited
        /// Enter: the line, and the text is empty again.
        case submitted(String)
        /// Ctrl+D on an empty line.
        case endOfInput
    }

    public private(set) var text = ""
    /// Bytes of a character not yet whole (UTF-8 comes a byte at a time).
    private var partial: [UInt8] = []
    /// Inside an escape sequence (an arrow key, a function key): its bytes are dropped.
    private var escape: EscapeState = .none

    private enum EscapeState: Equatable, Sendable {
        case none, started, controlSequence, singleShift
    }

    /// Longer lines are no console command: what is typed past this is dropped.
    public static let limit = 4096

    public init() {}

    public mutating func feed(_ byte: UInt8) -> Action? {
        if skipEscape(byte) { return nil }
        switch byte {
        case 0x0D, 0x0A:
            let line = text
            (text, partial) = ("", [])
            return .submitted(line)
        case 0x04:
            return text.isEmpty ? .endOfInput : nil
        case 0x7F, 0x08:
            partial = []
            guard !text.isEmpty else { return nil }
            text.removeLast()
            return .edited
        case 0x15:
            // Ctrl+U: the whole line goes, as in a shell.
            guard !text.isEmpty else { return nil }
            text = ""
            return .edited
        case 0x17:
            // Ctrl+W: the word before the cursor and the spaces after it.
            guard !text.isEmpty else { return nil }
            while text.last == " " { text.removeLast() }
            while let last = text.last, last != " " { text.removeLast() }
            return .edited
        case 0x1B:
            escape = .started
            return nil
        case 0x09:
            return append(UInt8(ascii: " "))
        case 0x00..<0x20:
            return nil
        default:
            return append(byte)
        }
    }

    /// Drops an escape sequence's bytes: true when `byte` was one of them.
    private mutating func skipEscape(_ byte: UInt8) -> Bool {
        switch escape {
        case .none: return false
        case .started:
            escape = byte == UInt8(ascii: "[") ? .controlSequence : byte == UInt8(ascii: "O") ? .singleShift : .none
            return true
        case .controlSequence:
            // Parameters and intermediates until a final byte in @…~.
            if (0x40...0x7E).contains(byte) { escape = .none }
            return true
        case .singleShift:
            escape = .none
            return true
        }
    }

    private mutating func append(_ byte: UInt8) -> Action? {
        partial.append(byte)
        let first = partial[0]
        let length = RawBytes.sequenceLength(first)
        guard length > 0 else {
            partial = []
            return nil
        }
        guard partial.count >= length else { return nil }
        defer { partial = [] }
        guard let character = String(validating: partial.prefix(length), as: UTF8.self), text.utf8.count + length <= Self.limit else { return nil }
        text += character
        return .edited
    }
}
