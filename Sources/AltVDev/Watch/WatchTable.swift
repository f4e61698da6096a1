/// Each inotify watch's folder, kept as its parent's watch and its own name: a path costs its last
/// component (inline in the String for names up to 15 bytes), not its whole length, and a folder
/// renamed within the tree moves everything below it by changing one entry.
///
/// A pure value; the watcher's thread owns it.
struct WatchTable {
    private struct Entry {
        /// The watch of the folder this one is in; nil when `name` is a whole path (a root, or a
        /// folder whose parent is not watched).
        var parent: Int32?
        var name: String
        /// Entries whose `parent` is this one: removing an entry with none needs no search.
        var children: Int32 = 0
    }

    private var entries: [Int32: Entry] = [:]

    var count: Int { entries.count }

    /// Records `wd` as the folder `path`; `parent` is the watch of the folder it is in, when known.
    mutating func insert(_ wd: Int32, path: String, parent: Int32?) {
        remove(wd)
        if let parent, parent != wd, entries[parent] != nil {
            entries[wd] = Entry(parent: parent, name: FilePath.name(path))
            entries[parent]?.children += 1
        } else {
            entries[wd] = Entry(parent: nil, name: path)
        }
    }

    func path(of wd: Int32) -> String? {
        var names: [String] = []
        var current: Int32? = wd
        while let at = current {
            guard let entry = entries[at], names.count <= entries.count else { return nil }
            names.append(entry.name)
            current = entry.parent
        }
        var path = names.removeLast()
        for name in names.reversed() { path = (path == "/" ? "" : path) + "/" + name }
        return path
    }

    /// Forgets `wd`; folders recorded below it keep their whole paths.
    mutating func remove(_ wd: Int32) {
        guard let entry = entries.removeValue(forKey: wd) else { return }
        if let parent = entry.parent { entries[parent]?.children -= 1 }
        guard entry.children > 0, let path = path(ofRemoved: entry) else { return }
        for (child, childEntry) in entries where childEntry.parent == wd {
            entries[child] = Entry(parent: nil, name: path + "/" + childEntry.name, children: childEntry.children)
        }
    }

    /// The watches of `path` and every folder below it, with their paths.
    func watches(under path: String) -> [(wd: Int32, path: String)] {
        entries.keys.compactMap { wd in
            guard let folder = self.path(of: wd), folder == path || folder.hasPrefix(path == "/" ? "/" : path + "/") else { return nil }
            return (wd, folder)
        }
    }

    /// The folder at `old` was renamed to `new`, into the folder watched by `newParent`: its entry
    /// changes, and every folder below it follows, as they name it as their parent.
    mutating func move(from old: String, to new: String, newParent: Int32?) {
        guard let wd = entries.keys.first(where: { path(of: $0) == old }), var entry = entries[wd] else { return }
        if let parent = entry.parent { entries[parent]?.children -= 1 }
        if let newParent, entries[newParent] != nil, !isAtOrBelow(newParent, wd) {
            entry.parent = newParent
            entry.name = FilePath.name(new)
            entries[newParent]?.children += 1
        } else {
            entry.parent = nil
            entry.name = new
        }
        entries[wd] = entry
    }

    private func isAtOrBelow(_ wd: Int32, _ ancestor: Int32) -> Bool {
        var current: Int32? = wd
        var steps = 0
        while let at = current, steps <= entries.count {
            if at == ancestor { return true }
            current = entries[at]?.parent
            steps += 1
        }
        return false
    }

    mutating func removeAll() {
        entries = [:]
    }

    private func path(ofRemoved entry: Entry) -> String? {
        guard let parent = entry.parent else { return entry.name }
        return path(of: parent).map { ($0 == "/" ? "" : $0) + "/" + entry.name }
    }
}
