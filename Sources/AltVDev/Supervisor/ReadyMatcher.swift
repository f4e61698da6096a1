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

    public func matches(_ line: UnsafeRawBufferPointer) -> Bool {
        let text = String(decoding: ANSI.strip(line), as: UTF8.self)
        return (try? regex.firstMatch(in: text)) != nil
    }
}
