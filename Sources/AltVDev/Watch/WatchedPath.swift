import Glibc

/// The path under which the watcher sees a file: the watcher enters folders through symbolic
/// links, so a file outside `[watch] paths` is still watched when a link inside them leads to it.
/// `check --why` asks this, so that it and `watch` keep one rule.
public enum WatchedPath {
    /// `path` as the watcher names it (lexically under a root, or through a folder link under one),
    /// with the link that leads there; nil when no root reaches it.
    public static func find(_ path: String, roots: [String], filter: PathFilter, cwd: String) -> (path: String, link: String?)? {
        let joined = path.hasPrefix("/") ? path : FilePath.join(cwd, path)
        let lexical = FilePath.lexicallyStandardized(joined)
        if isUnder(lexical, roots) { return (lexical, nil) }
        let real = FilePath.standardized(joined)
        if isUnder(real, roots) { return (real, nil) }
        guard let (link, target) = folderLink(leadingTo: real, roots: roots, filter: filter) else { return nil }
        return (link + real.dropFirst(target.count), link)
    }

    static func isUnder(_ path: String, _ roots: [String]) -> Bool {
        roots.contains { path == $0 || path.hasPrefix($0 == "/" ? "/" : $0 + "/") }
    }

    /// The first folder link in the watched trees (ignored folders not entered, as the watcher does)
    /// whose target holds `real`, and that target.
    static func folderLink(leadingTo real: String, roots: [String], filter: PathFilter) -> (link: String, target: String)? {
        var visited: Set<[UInt64]> = []
        var stack = roots
        while let folder = stack.popLast() {
            var info = stat()
            guard stat(folder, &info) == 0, visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted else { continue }
            var found: (String, String)?
            DirectoryListing.forEach(in: folder) { entryPath, name, type, directory in
                guard found == nil, type == UInt8(DT_DIR) || type == UInt8(DT_LNK) || type == UInt8(DT_UNKNOWN) else { return }
                var entry = stat()
                guard fstatat(directory, name, &entry, 0) == 0, (entry.st_mode & S_IFMT) == S_IFDIR else { return }
                let path = entryPath()
                if filter.isIgnoredEntry(path, isDirectory: true) { return }
                var link = stat()
                if fstatat(directory, name, &link, AT_SYMLINK_NOFOLLOW) == 0, (link.st_mode & S_IFMT) == S_IFLNK {
                    let target = FilePath.standardized(path)
                    if real == target || real.hasPrefix(target + "/") { found = (path, target) }
                }
                stack.append(path)
            }
            if let found { return found }
        }
        return nil
    }
}
