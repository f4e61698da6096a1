/// gitignore-style globs that select paths: a stage's `when` and `outputs`.
public struct GlobSet: Sendable {
    private let filter: PathFilter
    public let patterns: [String]

    /// `patterns` relative to `base` (the config's folder).
    public init(base: String, patterns: [String]) {
        self.patterns = patterns
        filter = PathFilter(base: base, patterns: patterns, source: "globs", builtIns: false)
    }

    /// Whether the absolute `path` (or a folder above it) matches.
    public func matches(_ path: String, isDirectory: Bool = false) -> Bool {
        filter.isIgnored(path, isDirectory: isDirectory)
    }

    /// The folder a pattern names before its first wildcard: `resources/core/**` → `resources/core`.
    public static func literalFolder(of pattern: String) -> String {
        var components: [Substring] = []
        for component in pattern.split(separator: "/", omittingEmptySubsequences: true) {
            if component.contains(where: { "*?[".contains($0) }) { break }
            components.append(component)
        }
        return components.joined(separator: "/")
    }
}
