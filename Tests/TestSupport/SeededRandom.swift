/// SplitMix64: small, seedable, the same sequence everywhere, so a fuzz failure can be replayed.
public struct SeededRandom: RandomNumberGenerator, Sendable {
    public var state: UInt64

    public init(seed: UInt64) { state = seed }

    public mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

/// Byte-level mutations of a document: deletions, TOML punctuation inserted, bytes flipped, pieces cut and copied.
public enum ByteMutator {
    public static let tokens: [[UInt8]] = [
        "\"", "'", "\"\"\"", "'''", "[", "]", "[[", "]]", "{", "}", "=", ",", ".", "#", "\n", "\r", "\\", "\\u", "T", "Z", ":", "-",
        "+", "_", "e", "0x", "inf", "\u{0}", "é", "\u{FEFF}",
    ].map { Array($0.utf8) }

    public static func mutate(_ input: [UInt8], using random: inout SeededRandom) -> [UInt8] {
        var bytes = input
        for _ in 0..<Int.random(in: 1...8, using: &random) {
            let at = Int.random(in: 0...bytes.count, using: &random)
            switch Int.random(in: 0..<5, using: &random) {
            case 0 where at < bytes.count: bytes.remove(at: at)
            case 1: bytes.insert(contentsOf: tokens.randomElement(using: &random)!, at: at)
            case 2 where at < bytes.count: bytes[at] = UInt8.random(in: 0...255, using: &random)
            case 3 where at < bytes.count: bytes.removeSubrange(at..<min(bytes.count, at + Int.random(in: 1...16, using: &random)))
            default:
                let from = min(bytes.count, Int.random(in: 0..<max(1, bytes.count), using: &random))
                bytes.insert(contentsOf: Array(bytes[from..<min(bytes.count, from + 24)]), at: at)
            }
        }
        return bytes
    }
}
