import Testing

@testable import AltVDev

@Suite("Watch table")
struct WatchTableTests {
    /// /p (1) ─ /p/a (2) ─ /p/a/b (3) ─ /p/a/b/c (4); /p/d (5)
    func tree() -> WatchTable {
        var table = WatchTable()
        table.insert(1, path: "/p", parent: nil)
        table.insert(2, path: "/p/a", parent: 1)
        table.insert(3, path: "/p/a/b", parent: 2)
        table.insert(4, path: "/p/a/b/c", parent: 3)
        table.insert(5, path: "/p/d", parent: 1)
        return table
    }

    func paths(_ table: WatchTable) -> [Int32: String] {
        Dictionary(uniqueKeysWithValues: (1...9).compactMap { wd in table.path(of: wd).map { (wd, $0) } })
    }

    @Test("each watch's path is rebuilt from its parents; a root keeps its whole path")
    func paths() {
        let table = tree()
        #expect(paths(table) == [1: "/p", 2: "/p/a", 3: "/p/a/b", 4: "/p/a/b/c", 5: "/p/d"])
        #expect(table.path(of: 9) == nil)
        var root = WatchTable()
        root.insert(1, path: "/", parent: nil)
        root.insert(2, path: "/srv", parent: 1)
        #expect(root.path(of: 2) == "/srv")
    }

    @Test("a folder renamed within the tree moves everything below it")
    func rename() {
        var table = tree()
        table.move(from: "/p/a", to: "/p/d/renamed", newParent: 5)
        #expect(paths(table) == [1: "/p", 2: "/p/d/renamed", 3: "/p/d/renamed/b", 4: "/p/d/renamed/b/c", 5: "/p/d"])
        // And back, to the top.
        table.move(from: "/p/d/renamed", to: "/p/a2", newParent: 1)
        #expect(table.path(of: 4) == "/p/a2/b/c")
        // A rename of something never watched changes nothing.
        table.move(from: "/p/nope", to: "/p/x", newParent: 1)
        #expect(paths(table).count == 5)
    }

    @Test("a removed folder's subfolders keep their whole paths; watches(under:) finds a subtree")
    func removeAndUnder() {
        var table = tree()
        table.remove(2)
        #expect(paths(table) == [1: "/p", 3: "/p/a/b", 4: "/p/a/b/c", 5: "/p/d"])
        #expect(table.watches(under: "/p/a").map(\.wd).sorted() == [3, 4])
        #expect(tree().watches(under: "/p/a/b").map(\.path).sorted() == ["/p/a/b", "/p/a/b/c"])
        // "/p/a" is not under "/p/ab".
        var siblings = tree()
        siblings.insert(6, path: "/p/ab", parent: 1)
        #expect(siblings.watches(under: "/p/a").map(\.wd).sorted() == [2, 3, 4])
    }

    @Test("a watch added again (the same folder reached twice) keeps its subfolders right")
    func reinsert() {
        var table = tree()
        table.insert(2, path: "/p/a", parent: 1)
        #expect(paths(table) == [1: "/p", 2: "/p/a", 3: "/p/a/b", 4: "/p/a/b/c", 5: "/p/d"])
        #expect(table.count == 5)
    }
}
