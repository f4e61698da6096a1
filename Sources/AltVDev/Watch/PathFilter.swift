/// Decides which paths are ignored, with gitignore's rules and semantics.
///
/// Rules are evaluated relative to `base` (the config's folder); the last matching rule wins,
/// and nothing below an ignored folder can be re-included, exactly as git does.
public struct PathFilter: Sendable {
    /// Editor swap, backup and temp files, and version-control folders: never a reason to restart.
    public static let builtInPatterns = [
        ".git/", ".hg/", ".svn/",
        "*.swp", "*.swo", "*.swx", "*.swpx", "4913",
        "*~", "\\#*#", ".#*",
        "*___jb_tmp___", "*___jb_old___",
        // Temp files of atomic writes (Foundation, GNU sed -i) before they are renamed over the target.
        ".dat.nosync*", "sed??????",
        ".*.kate-swp", ".DS_Store",
        // FXServer's ready helper, which altv-dev writes itself (FXServerPlatform.helperFolder).
        "\\[altv-dev\\]/",
    ]

    public let base: String
    public private(set) var rules: [IgnoreRule] = []
    /// Folders (relative, as components) that `.gitignore` rules never hide, nor the folders above
    /// them: a stage's `outputs` are often gitignored build output, and altv-dev must see them written.
    public private(set) var gitignoreExempt: [[String]] = []
    public static let gitignoreSource = ".gitignore"

    /// `builtIns: false` for globs that select paths (a stage's `when`) rather than ignore them.
    public init(base: String, patterns: [String], source: String, builtIns: Bool = true) {
        self.base = base.hasSuffix("/") && base.count > 1 ? String(base.dropLast()) : base
        if builtIns { add(Self.builtInPatterns, source: "built-in") }
        add(patterns, source: source)
    }

    mutating func exemptFromGitignore(_ folders: [String]) {
        gitignoreExempt += folders.map { $0.split(separator: "/").map(String.init) }.filter { !$0.isEmpty }
    }

    mutating func add(_ patterns: [String], source: String) {
        for (offset, pattern) in patterns.enumerated() {
            if let rule = IgnoreRule(pattern, source: source, index: offset + 1) { rules.append(rule) }
        }
    }

    /// Why a path is or is not ignored.
    public struct Verdict: Equatable, Sendable {
        public var ignored: Bool
        /// The deciding rule, if any matched.
        public var rule: IgnoreRule?
        /// What the rule matched, relative to `base`: the path itself or one of its folders.
        public var matched: String?
    }

    /// Whether `path` (absolute) is ignored, itself or through a parent folder.
    public func isIgnored(_ path: String, isDirectory: Bool) -> Bool {
        verdict(for: path, isDirectory: isDirectory).ignored
    }

    /// Whether an entry of a folder that a walk entered is ignored. The walk never enters an ignored
    /// folder, so only the entry's own rules are left to evaluate: the same answer as `isIgnored`,
    /// without matching every parent again for each of 100,000 files.
    public func isIgnoredEntry(_ path: String, isDirectory: Bool) -> Bool {
        let relative = Self.relative(path, to: base) ?? path
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return false }
        return match(components: components[...], isDirectory: isDirectory).ignored
    }

    /// The full verdict for an absolute path, checking each parent folder first like git does.
    public func verdict(for path: String, isDirectory: Bool) -> Verdict {
        guard let relative = Self.relative(path, to: base) else {
            return verdict(relative: path, isDirectory: isDirectory)
        }
        return verdict(relative: relative, isDirectory: isDirectory)
    }

    /// The verdict for a path relative to `base`.
    public func verdict(relative: String, isDirectory: Bool) -> Verdict {
        let components = relative.split(separator: "/", omittingEmptySubsequences: true).map(String.init)
        guard !components.isEmpty else { return Verdict(ignored: false, rule: nil, matched: nil) }
        for depth in 1..<components.count {
            let parent = components[0..<depth]
            let result = match(components: parent, isDirectory: true)
            if result.ignored { return result }
        }
        return match(components: components[...], isDirectory: isDirectory)
    }

    private func match(components: ArraySlice<String>, isDirectory: Bool) -> Verdict {
        var result = Verdict(ignored: false, rule: nil, matched: nil)
        let exempt = !gitignoreExempt.isEmpty && gitignoreExempt.contains { folder in
            components.starts(with: folder) || folder.starts(with: components)
        }
        for rule in rules where rule.matches(components: components, isDirectory: isDirectory) {
            if exempt, rule.source == Self.gitignoreSource { continue }
            result = Verdict(ignored: !rule.negated, rule: rule, matched: components.joined(separator: "/"))
        }
        return result
    }

    /// `path` relative to `base`, or nil when it lies outside.
    public static func relative(_ path: String, to base: String) -> String? {
        if path == base { return "" }
        let prefix = base == "/" ? "/" : base + "/"
        guard path.hasPrefix(prefix) else { return nil }
        return String(path.dropFirst(prefix.count))
    }
}

/// One line of a gitignore-style list.
public struct IgnoreRule: Equatable, Sendable, CustomStringConvertible {
    /// The line as written.
    public let pattern: String
    /// Where it came from: `built-in` or the config file.
    public let source: String
    /// 1-based position within its source list.
    public let index: Int
    public let negated: Bool
    public let directoryOnly: Bool
    /// Contains a slash before the end: matched against the whole path from `base`.
    public let anchored: Bool
    let segments: [[UInt8]]

    public init?(_ line: String, source: String, index: Int) {
        self.pattern = line
        self.source = source
        self.index = index
        var text = Array(line.utf8)
        // Trailing spaces are ignored unless escaped with a backslash.
        while let last = text.last, last == UInt8(ascii: " "), !(text.count >= 2 && text[text.count - 2] == UInt8(ascii: "\\")) {
            text.removeLast()
        }
        if text.isEmpty || text.first == UInt8(ascii: "#") { return nil }
        var negated = false
        if text.first == UInt8(ascii: "!") {
            negated = true
            text.removeFirst()
        }
        var directoryOnly = false
        if text.last == UInt8(ascii: "/") {
            directoryOnly = true
            while text.last == UInt8(ascii: "/") { text.removeLast() }
        }
        if text.isEmpty { return nil }
        let anchored = text.contains(UInt8(ascii: "/"))
        if text.first == UInt8(ascii: "/") { text.removeFirst() }
        self.negated = negated
        self.directoryOnly = directoryOnly
        self.anchored = anchored
        self.segments = text.split(separator: UInt8(ascii: "/"), omittingEmptySubsequences: true).map(Array.init)
    }

    public var description: String { "\(source):\(index):\(pattern)" }

    func matches(components: ArraySlice<String>, isDirectory: Bool) -> Bool {
        if directoryOnly && !isDirectory { return false }
        if !anchored {
            guard let name = components.last, let pattern = segments.first else { return false }
            return Glob.matches(pattern[...], Array(name.utf8)[...])
        }
        let path = components.map { Array($0.utf8) }
        return Self.match(segments[...], path[...])
    }

    private static func match(_ pattern: ArraySlice<[UInt8]>, _ path: ArraySlice<[UInt8]>) -> Bool {
        guard let first = pattern.first else { return path.isEmpty }
        if first == Array("**".utf8) {
            let rest = pattern.dropFirst()
            // A trailing `**` matches everything inside, but not the folder itself.
            if rest.isEmpty { return !path.isEmpty }
            var remaining = path
            while true {
                if match(rest, remaining) { return true }
                guard !remaining.isEmpty else { return false }
                remaining = remaining.dropFirst()
            }
        }
        guard let name = path.first, Glob.matches(first[...], name[...]) else { return false }
        return match(pattern.dropFirst(), path.dropFirst())
    }
}

/// Shell-style wildcard matching within one path segment: `*`, `?`, `[a-z]`, `[!x]`, `\x`.
enum Glob {
    static func matches(_ pattern: ArraySlice<UInt8>, _ text: ArraySlice<UInt8>) -> Bool {
        var p = pattern.startIndex, t = text.startIndex
        var starP: Int?, starT = 0
        while t < text.endIndex {
            if p < pattern.endIndex {
                let c = pattern[p]
                if c == UInt8(ascii: "*") {
                    while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
                    starP = p
                    starT = t
                    continue
                }
                if c == UInt8(ascii: "?") {
                    p += 1; t += 1
                    continue
                }
                if c == UInt8(ascii: "["), let (matched, next) = matchClass(pattern, p, text[t]) {
                    if matched { p = next; t += 1; continue }
                } else {
                    var literal = c
                    var next = p + 1
                    if c == UInt8(ascii: "\\"), next < pattern.endIndex {
                        literal = pattern[next]
                        next += 1
                    }
                    if literal == text[t] { p = next; t += 1; continue }
                }
            }
            guard let star = starP else { return false }
            starT += 1
            t = starT
            p = star
        }
        while p < pattern.endIndex, pattern[p] == UInt8(ascii: "*") { p += 1 }
        return p == pattern.endIndex
    }

    /// Matches `[...]` at `start`; nil when the bracket is not closed (then it is a literal `[`).
    private static func matchClass(_ pattern: ArraySlice<UInt8>, _ start: Int, _ c: UInt8) -> (Bool, Int)? {
        var i = start + 1
        var negate = false
        if i < pattern.endIndex, pattern[i] == UInt8(ascii: "!") || pattern[i] == UInt8(ascii: "^") {
            negate = true
            i += 1
        }
        var matched = false
        var first = true
        while i < pattern.endIndex {
            var low = pattern[i]
            if low == UInt8(ascii: "]"), !first { return (matched != negate, i + 1) }
            first = false
            if low == UInt8(ascii: "\\"), i + 1 < pattern.endIndex {
                i += 1
                low = pattern[i]
            }
            var high = low
            if i + 2 < pattern.endIndex, pattern[i + 1] == UInt8(ascii: "-"), pattern[i + 2] != UInt8(ascii: "]") {
                high = pattern[i + 2]
                i += 2
            }
            if c >= low && c <= high { matched = true }
            i += 1
        }
        return nil
    }
}

extension Config {
    /// The built-in rules, then the project's `.gitignore` (with `[watch] gitignore`), then
    /// `[watch] ignore`, which wins where they disagree: what `watch`, `check` and `check --why`
    /// all judge paths by. Each rule keeps its file and line.
    public var ignoreFilter: PathFilter {
        var filter = PathFilter(base: directory, patterns: [], source: FilePath.name(file))
        if watch.gitignore, let lines = Self.gitignoreLines(in: directory) {
            filter.add(lines, source: PathFilter.gitignoreSource)
            filter.exemptFromGitignore(
                stages.flatMap(\.outputs).compactMap { PathFilter.relative(FilePath.resolve(GlobSet.literalFolder(of: $0), against: directory), to: directory) })
        }
        filter.add(watch.ignore, source: FilePath.name(file))
        return filter
    }

    /// The lines of `.gitignore` in `directory`, numbered as the file numbers them; nil when there is none.
    static func gitignoreLines(in directory: String) -> [String]? {
        guard let data = ProcFile.read(FilePath.join(directory, ".gitignore")) else { return nil }
        // By bytes: "\r\n" is one Character, so a String split at "\n" would not cut a CRLF file.
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).map { line in
            String(decoding: line.last == UInt8(ascii: "\r") ? line.dropLast() : line, as: UTF8.self)
        }
    }
}
