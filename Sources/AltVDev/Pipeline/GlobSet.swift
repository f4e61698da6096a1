/// gitignore-style globs that select paths: a stage's `when` and `outputs`.
public struct GlobSet: Sendable {
    private let filter: PathFilter
    public let patterns: [String]

    /// The folders the patterns name before their wildcards, absolute.
    private let literalFolders: Set<String>

    /// `patterns` relative to `base` (the config's folder).
    public init(base: String, patterns: [String]) {
        self.patterns = patterns
        filter = PathFilter(base: base, patterns: patterns, source: "globs", builtIns: false)
        literalFolders = Set(patterns.map { FilePath.resolve(Self.literalFolder(of: $0), against: base) })
    }

    /// Like `matches`, and also true for the folders the patterns name (`gen` of `gen/**`):
    /// a build that creates its output folder has written an output.
    public func covers(_ path: String, isDirectory: Bool) -> Bool {
        matches(path, isDirectory: isDirectory) || (isDirectory && literalFolders.contains(path))
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
