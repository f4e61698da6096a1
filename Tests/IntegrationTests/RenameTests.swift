import Foundation
import Glibc
import Testing

/// Folder renames keep every path right: inotify keeps a watch across a rename, so the watcher's
/// own names for its folders must follow each move.
@Suite("Folder renames")
struct RenameTests {
    let fm = FileManager.default

    /// Runs `change`, then waits for the watcher's event line (`--verbose`) that proves it was seen
    /// and for the cycle it started to end, so the next step begins from quiet.
    func step(_ watch: Launched, _ line: String, count: Int = 1, _ change: () throws -> Void) async throws {
        let cycles = watch.log.lines.filter(OutputLog.isVerdict).count
        try change()
        #expect(await watch.log.wait(for: line, count: count), "\(line)")
        // ✓ or ✗: a resource folder moved away is a resource the server fails to load.
        #expect(await watch.log.wait(until: OutputLog.isVerdict, named: "verdict", count: cycles + 1), "cycle after \(line)")
    }

    @Test("within, out of, into, over an existing folder, and deeper: a save is named by the folder's current name")
    func shapes() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"20ms\""], reconnect: ["enabled": "false"])
            let outside = NSTemporaryDirectory() + "altv-dev-outside-" + UUID().uuidString
            defer { try? FileManager.default.removeItem(atPath: outside) }
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let r = { (name: String) in project.path("resources/" + name) }

            // Within the tree.
            try await step(watch, "renamedTo: resources/chat2") { try fm.moveItem(atPath: r("chat"), toPath: r("chat2")) }
            try await step(watch, "modified: resources/chat2/server/index.js") { project.append("resources/chat2/server/index.js", "// 1\n") }

            // Out of the tree: its later writes are not ours, and not reported under the old name.
            try await step(watch, "renamedFrom: resources/chat2") { try fm.moveItem(atPath: r("chat2"), toPath: outside) }
            let file = outside + "/server/index.js"
            let fd = open(file, O_WRONLY | O_APPEND)
            _ = write(fd, "// outside\n", 11)
            close(fd)
            try await step(watch, "modified: resources/core/server/index.js") { project.append("resources/core/server/index.js", "// marker\n") }
            #expect(watch.log.count(containing: "modified: resources/chat2/server/index.js") == 1)

            // Into the tree.
            try await step(watch, "renamedTo: resources/chat4") { try fm.moveItem(atPath: outside, toPath: r("chat4")) }
            try await step(watch, "modified: resources/chat4/server/index.js") { project.append("resources/chat4/server/index.js", "// 2\n") }

            // Over an existing (empty) folder.
            try await step(watch, "created: resources/empty") { try fm.createDirectory(atPath: r("empty"), withIntermediateDirectories: false) }
            try await step(watch, "renamedTo: resources/empty") { #expect(rename(r("chat4"), r("empty")) == 0) }
            try await step(watch, "modified: resources/empty/server/index.js") { project.append("resources/empty/server/index.js", "// 3\n") }

            // A folder deeper down.
            try await step(watch, "renamedTo: resources/core/srv") { try fm.moveItem(atPath: r("core/server"), toPath: r("core/srv")) }
            try await step(watch, "modified: resources/core/srv/index.js") { project.append("resources/core/srv/index.js", "// 4\n") }

            #expect(watch.log.count(containing: "modified: resources/chat4/server/index.js") == 1)
            #expect(watch.log.count(containing: "modified: resources/core/server/index.js") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a chain of renames (delete, copy, rename there and back, rename again): a save is named by the last name")
    func chain() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"20ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let r = { (name: String) in project.path("resources/" + name) }
            try await step(watch, "removed: resources/chat") { try fm.removeItem(atPath: r("chat")) }
            try await step(watch, "created: resources/chat/server/index.js") { try fm.copyItem(atPath: r("core"), toPath: r("chat")) }
            try await step(watch, "renamedTo: resources/chat2") { try fm.moveItem(atPath: r("chat"), toPath: r("chat2")) }
            try await step(watch, "renamedTo: resources/chat", count: 1) { try fm.moveItem(atPath: r("chat2"), toPath: r("chat")) }
            try await step(watch, "renamedTo: resources/chat3") { try fm.moveItem(atPath: r("chat"), toPath: r("chat3")) }
            try await step(watch, "modified: resources/chat3/server/index.js") { project.append("resources/chat3/server/index.js", "// edit\n") }
            #expect(await watch.log.wait(for: "resources/chat3/server/index.js ·"))
            // The copy wrote chat/server/index.js under its own name; since the last rename nothing is named so.
            #expect(watch.log.count(containing: "resources/chat/server/index.js", after: "renamedTo: resources/chat3") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}
