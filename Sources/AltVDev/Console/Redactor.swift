import Glibc

/// Masks the server password in what others print (the server, stages, services, the client's
/// answers) on its way to the terminal.
///
/// The rule: a secret is masked where it stands as a whole token, that is, not inside a longer run of
/// letters, digits, `_` or non-ASCII characters, so `pw=hunter22` is masked and `hunter220` is not.
/// Secrets shorter than `minimumLength` are not masked at all: masking "pw" or "altv" would turn
/// ordinary words and paths into asterisks and give the password away by its context.
/// altv-dev's own lines pass through it too: a command that names the password (`${ALTV_SERVER_PASSWORD}`)
/// is printed masked. A secret with a line break is masked line by line (output is read a line at a time).
public struct Redactor: Sendable {
    public static let mask = "********"
    public static let minimumLength = 6
    private let secrets: [[UInt8]]

    public init(secrets: [String]) {
        var parts: [[UInt8]] = []
        for secret in secrets {
            let lines = secret.split(whereSeparator: { $0 == "\n" || $0 == "\r" || $0 == "\r\n" }).map { Array($0.utf8) }
            for part in [Array(secret.utf8)] + (lines.count > 1 ? lines : []) where part.count >= Self.minimumLength && !parts.contains(part) {
                parts.append(part)
            }
        }
        // Longest first: a secret that contains another is masked whole.
        self.secrets = parts.sorted { $0.count > $1.count }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    /// The secrets as text, to build a redactor with more.
    public var secretTexts: [String] { secrets.map { String(decoding: $0, as: UTF8.self) } }

    /// False only when no secret occurs anywhere in `bytes`: then they pass as they are.
    public func mayMask(in bytes: UnsafeRawBufferPointer) -> Bool {
        secrets.contains { bytes.contains(bytes: $0) }
    }

    /// The warning to give once when a password is too short to be masked.
    public static func weakSecretWarning(_ secret: Secret?) -> String? {
        guard let secret, !secret.value.isEmpty, secret.value.utf8.count < minimumLength else { return nil }
        return "the server password is shorter than \(minimumLength) characters: it is weak, and it is not masked in what the "
            + "server, stages and services print (masking so short a word would mangle ordinary output); use a longer one"
    }

    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { String(decoding: redact($0), as: UTF8.self) }
    }

    /// The bytes with every whole-token occurrence of a secret masked.
    public func redact(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        redact(bytes, into: &result)
        return result
    }

    /// Letters, digits, `_` and any byte of a non-ASCII character continue a token.
    @inline(__always)
    static func isWordByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), 0x80...0xFF:
            true
        default: false
        }
    }

    /// Whether the byte at `last` ends an escape sequence (`ESC [ parameters final`).
    static func escapeEnds(at last: Int, in bytes: UnsafeRawBufferPointer) -> Bool {
        guard (0x40...0x7E).contains(bytes[last]) else { return false }
        var k = last - 1
        while k >= 1, last - k < 32, (0x20...0x3F).contains(bytes[k]) { k -= 1 }
        return k >= 1 && bytes[k] == UInt8(ascii: "[") && bytes[k - 1] == 0x1B
    }

    /// How many bytes at the end of `bytes` could be the start of a secret: a piece of a line passed
    /// on before its end keeps them back until more comes, so a secret split across reads is masked.
    public func partialSecretLength(atEndOf bytes: UnsafeRawBufferPointer) -> Int {
        var longest = 0
        for secret in secrets {
            var length = min(secret.count - 1, bytes.count)
            while length > longest {
                if memcmp(bytes.baseAddress! + bytes.count - length, secret, length) == 0 {
                    longest = length
                    break
                }
                length -= 1
            }
        }
        return longest
    }

    /// Appends the bytes to `output` with every whole-token occurrence of a secret masked.
    public func redact(_ bytes: UnsafeRawBufferPointer, into output: inout [UInt8]) {
        guard !secrets.isEmpty else {
            output.append(contentsOf: bytes)
            return
        }
        var i = 0
        var runStart = 0
        let n = bytes.count
        outer: while i < n {
            for secret in secrets where secret.count <= n - i && bytes[i] == secret[0] {
                var matches = true
                for k in 1..<secret.count where bytes[i + k] != secret[k] {
                    matches = false
                    break
                }
                guard matches else { continue }
                // \b semantics: a word character at the secret's edge must not continue outside it.
                let end = i + secret.count
                // A colour code right before it (`\u{1B}[31m`) ends in a letter, but is no part of the word.
                if Self.isWordByte(secret[0]), i > 0, Self.isWordByte(bytes[i - 1]), !Self.escapeEnds(at: i - 1, in: bytes) { continue }
                if Self.isWordByte(secret[secret.count - 1]), end < n, Self.isWordByte(bytes[end]) { continue }
                // Copy the clean run before the secret in one go, then the mask.
                output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                output.append(contentsOf: Self.mask.utf8)
                i = end
                runStart = i
                continue outer
            }
            i += 1
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<n]))
    }
}
