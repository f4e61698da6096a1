import Glibc
import Synchronization

/// The terminal's line discipline while altv-dev edits the typed line itself: no canonical mode
/// and no echo (so typed text is drawn where altv-dev puts it), signals kept (Ctrl+C still stops).
/// The terminal's own mode comes back at exit, at every path out: `restore()` here, `atexit`, and
/// the guardian when altv-dev is killed.
public final class TerminalMode: Sendable {
    public let descriptor: Int32
    /// The mode found at start, given back.
    public let original: termios
    private let active = Atomic<Bool>(false)

    private static let current = Mutex<TerminalMode?>(nil)

    /// Nil when `descriptor` is no terminal or its mode cannot be read.
    public init?(descriptor: Int32) {
        var mode = termios()
        guard isatty(descriptor) == 1, tcgetattr(descriptor, &mode) == 0 else { return nil }
        self.descriptor = descriptor
        original = mode
    }

    /// Character by character, without echo; once set, restored at exit however `main` returns.
    @discardableResult
    public func enterEditing() -> Bool {
        var mode = original
        mode.c_lflag &= ~tcflag_t(ICANON | ECHO)
        withUnsafeMutableBytes(of: &mode.c_cc) { cc in
            cc[Int(VMIN)] = 1
            cc[Int(VTIME)] = 0
        }
        guard tcsetattr(descriptor, TCSANOW, &mode) == 0 else { return false }
        active.store(true, ordering: .relaxed)
        let first = Self.current.withLock { current -> Bool in
            defer { current = self }
            return current == nil
        }
        if first { atexit { TerminalMode.current.withLock { $0 }?.restore() } }
        return true
    }

    /// The mode found at start, again (idempotent).
    public func restore() {
        guard active.exchange(false, ordering: .relaxed) else { return }
        var mode = original
        _ = tcsetattr(descriptor, TCSANOW, &mode)
    }

    /// After Ctrl+Z and `fg` the shell may have put its own mode back: editing again.
    public func reenter() {
        guard active.load(ordering: .relaxed) else { return }
        active.store(false, ordering: .relaxed)
        enterEditing()
    }

    /// The original mode as hex, for the guardian to set again if altv-dev is killed.
    public var originalHex: String {
        withUnsafeBytes(of: original) { bytes in bytes.map { ($0 < 16 ? "0" : "") + String($0, radix: 16) }.joined() }
    }

    /// Reads `originalHex` back; nil for anything that is not a whole mode.
    public static func mode(fromHex hex: String) -> termios? {
        let digits = Array(hex.utf8)
        guard digits.count == MemoryLayout<termios>.size * 2 else { return nil }
        var bytes: [UInt8] = []
        for index in stride(from: 0, to: digits.count, by: 2) {
            guard let byte = UInt8(String(decoding: digits[index..<index + 2], as: UTF8.self), radix: 16) else { return nil }
            bytes.append(byte)
        }
        var mode = termios()
        withUnsafeMutableBytes(of: &mode) { $0.copyBytes(from: bytes) }
        return mode
    }
}
