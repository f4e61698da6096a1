/// Tells whether a line of server output is the configured "ready" line.
///
/// Matches the line with ANSI escapes stripped and invalid UTF-8 repaired, never anchored on
/// the timestamp, because `logTimeFormat` can change it.
/// Unchecked: `Regex` is not `Sendable`, but a compiled one is immutable and only matched, never changed.
public struct ReadyMatcher: @unchecked Sendable {
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>
    /// The pattern's bytes when it has no regex syntax (the usual "Server started"): searched as
    /// bytes, since a Regex per line would cap how fast server output can pass through.
    private let literal: [UInt8]?

    public init(pattern: String) throws {
        self.pattern = pattern
        self.regex = try Regex(pattern)
        let special = Set("\\^$.|?*+()[]{}")
        literal = pattern.isEmpty || pattern.contains(where: special.contains) ? nil : Array(pattern.utf8)
    }

    public func matches(_ line: String) -> Bool {
        Array(line.utf8).withUnsafeBytes { matches($0) }
    }

    /// Only the start of a line is searched: a ready line is short, and a server printing
    /// megabytes without a newline must not make every piece cost a long regex scan.
    public static let searchedPrefix = 4096

    public func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        let start = UnsafeRawBufferPointer(rebasing: line.prefix(Self.searchedPrefix))
        if let literal {
            if !start.contains(0x1B) { return start.contains(bytes: literal) }
            return ANSI.strip(start).withUnsafeBytes { $0.contains(bytes: literal) }
        }
        let text = String(decoding: ANSI.strip(start), as: UTF8.self)
        return (try? regex.firstMatch(in: text)) != nil
    }

    /// False only when no line in `chunk` can match (a literal pattern absent from all of it);
    /// a regex pattern may match anything.
    public func mayMatch(in chunk: UnsafeRawBufferPointer) -> Bool {
        guard let literal else { return true }
        return chunk.contains(bytes: literal)
    }
}
