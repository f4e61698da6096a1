/// gitignore-style globs that select paths: a stage's `when` and `outputs`.
public struct GlobSet: Sendable {
    /// One filter per base: patterns that climb out of the config's folder (`../src/**`, sources
    /// beside the server folder) are matched from the folder they climb to.
    private let filters: [PathFilter]
    public let patterns: [String]

    /// The folders the patterns name before their wildcards, absolute.
    private let literalFolders: Set<String>

    /// `patterns` relative to `base` (the config's folder).
    public init(base: String, patterns: [String]) {
        self.patterns = patterns
        var grouped: [(base: String, patterns: [String])] = []
        for pattern in patterns {
            let (climbed, rest) = Self.climb(pattern, from: base)
            if let index = grouped.firstIndex(where: { $0.base == climbed }) { grouped[index].patterns.append(rest) } else { grouped.append((climbed, [rest])) }
        }
        filters = grouped.map { PathFilter(base: $0.base, patterns: $0.patterns, source: "globs", builtIns: false) }
        literalFolders = Set(patterns.map { FilePath.resolve(Self.literalFolder(of: $0), against: base) })
    }

    /// Like `matches`, and also true for the folders the patterns name (`gen` of `gen/**`):
    /// a build that creates its output folder has written an output.
    public func covers(_ path: String, isDirectory: Bool) -> Bool {
        matches(path, isDirectory: isDirectory) || (isDirectory && literalFolders.contains(path))
    }

    /// Whether the absolute `path` (or a folder above it) matches.
    public func matches(_ path: String, isDirectory: Bool = false) -> Bool {
        filters.contains { $0.isIgnored(path, isDirectory: isDirectory) }
    }

    /// `../src/**` from `/srv/game/server` → (`/srv/game`, `src/**`); a `!` stays in front.
    static func climb(_ pattern: String, from base: String) -> (base: String, pattern: String) {
        var rest = Substring(pattern)
        let negated = rest.hasPrefix("!")
        if negated { rest = rest.dropFirst() }
        if rest.hasPrefix("./") { rest = rest.dropFirst(2) }
        var folder = base
        while rest.hasPrefix("../") {
            folder = FilePath.parent(folder)
            rest = rest.dropFirst(3)
        }
        return (folder, (negated ? "!" : "") + rest)
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
