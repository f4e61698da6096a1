/// Tells whether a line of server output is the configured "ready" line.
///
/// Matches the line with ANSI escapes stripped and invalid UTF-8 repaired, never anchored on
/// the timestamp, because `logTimeFormat` can change it.
public struct ReadyMatcher: @unchecked Sendable {
    public let pattern: String
    private let regex: Regex<AnyRegexOutput>

    public init(pattern: String) throws {
        self.pattern = pattern
        self.regex = try Regex(pattern)
    }

    public func matches(_ line: String) -> Bool {
        (try? regex.firstMatch(in: ANSI.strip(line))) != nil
    }

    /// Only the start of a line is searched: a ready line is short, and a server printing
    /// megabytes without a newline must not make every piece cost a long regex scan.
    public static let searchedPrefix = 4096

    public func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: ANSI.strip(UnsafeRawBufferPointer(rebasing: line.prefix(Self.searchedPrefix))), as: UTF8.self)
        return (try? regex.firstMatch(in: text)) != nil
    }
}
