import Foundation
import Testing

@testable import AltVDev

@Suite("Watched paths through folder links")
struct WatchedPathTests {
    @Test("lexically under a root; under it once links are resolved; behind a folder link in the tree; not behind an ignored one; outside")
    func find() throws {
        try withTemporaryFolder(["lib/x.js": "", "other/y.js": "", "resources/core/a.js": "", "hidden/z.js": ""]) { folder in
            try FileManager.default.createSymbolicLink(atPath: folder + "/resources/shared", withDestinationPath: "../lib")
            try FileManager.default.createSymbolicLink(atPath: folder + "/resources/node_modules", withDestinationPath: "../hidden")
            try FileManager.default.createSymbolicLink(atPath: folder + "/resources/core/loop", withDestinationPath: "..")
            let root = FilePath.standardized(folder)
            let roots = [root + "/resources"]
            let filter = PathFilter(base: root, patterns: ["node_modules/"], source: "test")
            func find(_ path: String) -> (String, String?)? { WatchedPath.find(path, roots: roots, filter: filter, cwd: root).map { ($0.path, $0.link) } }
            #expect(find("resources/core/a.js").map { $0.0 } == root + "/resources/core/a.js")
            #expect(find("resources/shared/x.js").map { $0.0 } == root + "/resources/shared/x.js")
            let behind = try #require(find("lib/x.js"))
            #expect(behind.0 == root + "/resources/shared/x.js" && behind.1 == root + "/resources/shared")
            #expect(find("hidden/z.js") == nil)
            #expect(find("other/y.js") == nil)
        }
    }
}
