import AltVDev
import Foundation
import Glibc
import Testing

/// Shapes of the public alt:V projects altv-dev was tried on, recreated here (no code of theirs).
@Suite("The projects alt:V developers really have")
struct RealProjectTests {
    /// altv-typescript's `dbg_reconnect` resource writes `ipc.txt` into the server's folder each
    /// time it loads; a config that watches that folder restarted the server forever.
    @Test("altv-typescript's dbg_reconnect writes ipc.txt at every load: the same file back three times, then the loop is stopped and named with the fix")
    func serverWritesIntoItsFolder() async throws {
        try await withProject { project in
            project.writeConfig(
                serverFlags: ["--write-on-load", "core=ipc.txt"], watch: ["paths": "[\".\"]", "gitignore": "false"],
                reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "stopped a loop: the last 3 cycles were started only by files that changed while the server started (ipc.txt)"))
            #expect(watch.log.text.contains("[watch] ignore = [\"ipc.txt\"]"))
            // A save of the user's own still starts a cycle.
            project.append("resources/chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "resources/chat/server/index.js · stop "))
            let facts = await project.stopAndReadEvents(watch)
            // The first start, the cycle its write started, three more by the same file coming back; then none.
            #expect(facts.triggers.prefix(5) == ["start", "change", "change", "change", "change"])
            #expect(facts.named("cycle.started").dropFirst().prefix(4).allSatisfy { $0["paths"] as? [String] == ["ipc.txt"] })
            #expect(facts.named("cycle.started").count == 6)
            #expect(facts.named("cycle.started").last?["paths"] as? [String] == ["resources/chat/server/index.js"])
        }
    }

    @Test("the same project with ipc.txt in its .gitignore (read by default): the server's writes start nothing")
    func gitignoreKeepsItQuiet() async throws {
        try await withProject { project in
            project.write(".gitignore", "node_modules/\nipc.txt\n")
            project.writeConfig(serverFlags: ["--write-on-load", "core=ipc.txt"], watch: ["paths": "[\".\"]"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(FileManager.default.fileExists(atPath: project.path("ipc.txt")))
            // Had ipc.txt started a cycle, this save would be #3 or later.
            project.append("resources/chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js ·"))
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.triggers == ["start", "change"])
            let why = try project.launch(["check", "--why", "ipc.txt"])
            #expect(await why.waitForExit() == .exited(0))
            #expect(why.log.lines == ["ipc.txt: ignored by .gitignore:2 ([watch] gitignore = false leaves it out): ipc.txt"])
        }
    }
}
