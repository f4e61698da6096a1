import Glibc

/// File names are bytes, and not every name is UTF-8 (`caf\xE9.js` from a Latin-1 archive). A
/// `String` cannot hold such bytes, so each byte that is not part of valid UTF-8 is kept as one
/// private-use scalar (U+10FF00 + byte), the way Python's `surrogateescape` keeps them: the name
/// goes through the loop as a string and comes back as the same bytes for the kernel, a stage's
/// environment and the events. A valid name that holds such a scalar itself is escaped too, so the
/// mapping is one to one.
public enum RawBytes {
    static let base: UInt32 = 0x10FF00

    /// The bytes as a string: valid UTF-8 as it is, every other byte as its escape scalar.
    public static func string<Bytes: Collection<UInt8>>(_ bytes: Bytes) -> String {
        // The common case costs one validation: nothing to keep.
        if let plain = String(validating: bytes, as: UTF8.self), !holdsRawBytes(plain) { return plain }
        var scalars = String.UnicodeScalarView()
        var rest = Array(bytes)[...]
        while let first = rest.first {
            let length = sequenceLength(first)
            if length > 0, rest.count >= length, let scalar = String(validating: rest.prefix(length), as: UTF8.self)?.unicodeScalars.first {
                // A real escape-range scalar has its bytes kept one by one, so it comes back as itself.
                if isEscape(scalar) { scalars.append(contentsOf: rest.prefix(length).map(escape)) } else { scalars.append(scalar) }
                rest = rest.dropFirst(length)
            } else {
                scalars.append(escape(first))
                rest = rest.dropFirst()
            }
        }
        return String(scalars)
    }

    /// A NUL-terminated name from the kernel (a `dirent`'s, an inotify event's).
    public static func string(cString pointer: UnsafeRawPointer) -> String {
        string(UnsafeRawBufferPointer(start: pointer, count: strlen(pointer.assumingMemoryBound(to: CChar.self))))
    }

    /// The bytes `string(_:)` was made from.
    public static func bytes(_ text: String) -> [UInt8] {
        guard holdsRawBytes(text) else { return Array(text.utf8) }
        var out: [UInt8] = []
        for scalar in text.unicodeScalars {
            if isEscape(scalar) { out.append(UInt8(scalar.value - base)) } else { out.append(contentsOf: String(scalar).utf8) }
        }
        return out
    }

    /// True when `text` keeps bytes that are not UTF-8 (so it must not be used as it is spelled).
    public static func holdsRawBytes(_ text: String) -> Bool {
        // U+10FF00…U+10FFFF are F4 8F BC–BF xx in UTF-8: a name without F4 has none.
        text.utf8.contains(0xF4) && text.unicodeScalars.contains(where: isEscape)
    }

    /// `body` with the path as the kernel knows it, NUL-terminated.
    public static func withCString<R>(_ path: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        guard holdsRawBytes(path) else { return try path.withCString(body) }
        let raw = bytes(path).map { CChar(bitPattern: $0) } + [0]
        return try raw.withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// As a person reads it: each kept byte as `\xe9` (as altv-dev shows a control character), the rest as it is.
    public static func shown(_ text: String) -> String {
        guard holdsRawBytes(text) else { return text }
        var out = ""
        for scalar in text.unicodeScalars {
            if isEscape(scalar) {
                out += hexEscape(scalar.value - base)
            } else {
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// Standard base64 with padding: how the events give a name's bytes.
    public static func base64(_ bytes: [UInt8]) -> String {
        let digits = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        for start in stride(from: 0, to: bytes.count, by: 3) {
            let chunk = bytes[start..<min(start + 3, bytes.count)]
            let value = chunk.enumerated().reduce(UInt32(0)) { $0 | UInt32($1.element) << (16 - 8 * UInt32($1.offset)) }
            for index in 0..<4 {
                out.append(index <= chunk.count ? digits[Int(value >> (18 - 6 * UInt32(index)) & 63)] : UInt8(ascii: "="))
            }
        }
        return String(decoding: out, as: UTF8.self)
    }

    /// `\\x1b`, `\\xe9`: how altv-dev shows a byte it will not send or cannot spell.
    static func hexEscape(_ value: UInt32) -> String {
        let hex = String(value, radix: 16)
        return "\\x" + (hex.count < 2 ? "0" : "") + hex
    }

    static func isEscape(_ scalar: Unicode.Scalar) -> Bool { scalar.value >= base + 0x80 && scalar.value <= base + 0xFF }

    private static func escape(_ byte: UInt8) -> Unicode.Scalar { Unicode.Scalar(base + UInt32(byte))! }

    /// How long a UTF-8 sequence starting with `first` is; 0 for a byte that cannot start one.
    static func sequenceLength(_ first: UInt8) -> Int {
        switch first {
        case 0x00..<0x80: 1
        case 0xC2..<0xE0: 2
        case 0xE0..<0xF0: 3
        case 0xF0..<0xF5: 4
        default: 0
        }
    }
}
