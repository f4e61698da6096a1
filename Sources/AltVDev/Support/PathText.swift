import Glibc

/// Path and text helpers that `NSString` and `CharacterSet` gave: kept here so the product needs
/// only FoundationEssentials (corelibs Foundation brings 34 MB of ICU data into a static binary).
extension FilePath {
    /// `a/b`, with exactly one slash between.
    public static func join(_ base: String, _ name: String) -> String {
        if name.hasPrefix("/") { return name }
        if base.isEmpty { return name }
        return base.hasSuffix("/") ? base + name : base + "/" + name
    }

    /// The folder a path is in (`/a/b` → `/a`, `/a` → `/`, `b` → ``).
    public static func parent(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        guard let slash = trimmed.lastIndex(of: "/") else { return "" }
        return slash == trimmed.startIndex ? "/" : String(trimmed[..<slash])
    }

    /// The last component (`/a/b.toml` → `b.toml`).
    public static func name(_ path: String) -> String {
        var trimmed = Substring(path)
        while trimmed.count > 1 && trimmed.hasSuffix("/") { trimmed.removeLast() }
        return trimmed.split(separator: "/").last.map(String.init) ?? String(trimmed)
    }

    /// `.` and `..` resolved, repeated and trailing slashes removed, `~` expanded; an absolute path
    /// has its symbolic links resolved as far as it exists (as NSString's `standardizingPath` did).
    public static func standardized(_ path: String, home: String? = nil) -> String {
        let lexical = lexicallyStandardized(path, home: home)
        guard lexical.hasPrefix("/") else { return lexical }
        if let real = realPath(lexical) { return real }
        let folder = parent(lexical)
        guard folder != lexical, folder != "/" else { return lexical }
        return join(standardized(folder), name(lexical))
    }

    static func realPath(_ path: String) -> String? {
        guard let resolved = realpath(path, nil) else { return nil }
        defer { free(resolved) }
        return String(cString: resolved)
    }

    static func lexicallyStandardized(_ path: String, home: String? = nil) -> String {
        var path = path
        if path == "~" || path.hasPrefix("~/"), let home = home ?? getenvString("HOME") { path = home + path.dropFirst() }
        let absolute = path.hasPrefix("/")
        var parts: [Substring] = []
        for part in path.split(separator: "/") where part != "." {
            if part == "..", let last = parts.last, last != ".." {
                parts.removeLast()
            } else if part == "..", absolute {
                continue
            } else {
                parts.append(part)
            }
        }
        let joined = parts.joined(separator: "/")
        return absolute ? "/" + joined : (joined.isEmpty ? "." : joined)
    }

    private static func getenvString(_ name: String) -> String? {
        getenv(name).map { String(cString: $0) }
    }

    /// Whether a folder is at `path` (symbolic links followed).
    public static func isDirectory(_ path: String) -> Bool {
        var info = stat()
        return stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
    }
}

extension StringProtocol {
    /// Without leading and trailing white space (spaces, tabs, newlines).
    public func trimmingWhitespace() -> String {
        trimming { $0.isWhitespace }
    }

    /// Without leading and trailing characters that `drop` says yes to.
    public func trimming(_ drop: (Character) -> Bool) -> String {
        guard let first = firstIndex(where: { !drop($0) }), let last = lastIndex(where: { !drop($0) }) else { return "" }
        return String(self[first...last])
    }
}
