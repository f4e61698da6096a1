/// Replaces secrets with a mask in anything about to be printed.
public struct Redactor: Sendable {
    public static let mask = "********"
    private let secrets: [[UInt8]]

    public init(secrets: [String]) {
        self.secrets = secrets.filter { !$0.isEmpty }.map { Array($0.utf8) }
    }

    public var isEmpty: Bool { secrets.isEmpty }

    public func redact(_ text: String) -> String {
        guard !secrets.isEmpty else { return text }
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { String(decoding: redact($0), as: UTF8.self) }
    }

    /// The bytes with every occurrence of a secret masked.
    public func redact(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        redact(bytes, into: &result)
        return result
    }

    /// Appends the bytes to `output` with every occurrence of a secret masked.
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
                if matches {
                    // Copy the clean run before the secret in one go, then the mask.
                    output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<i]))
                    output.append(contentsOf: Self.mask.utf8)
                    i += secret.count
                    runStart = i
                    continue outer
                }
            }
            i += 1
        }
        output.append(contentsOf: UnsafeRawBufferPointer(rebasing: bytes[runStart..<n]))
    }
}
