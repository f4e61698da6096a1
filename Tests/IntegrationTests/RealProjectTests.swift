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

    /// Rebar and Athena keep resources in the folder that server.toml does not list (work in progress, plugins
    /// switched off): typing `start` for one would load what the server was not told to.
    @Test("a save in a resource folder server.toml does not list restarts nothing under restart-resources, and says why")
    func unlistedResourceNotRestarted() async throws {
        try await withProject { project in
            project.write("resources/extra/resource.toml", "type = \"js\"\nmain = \"server/index.js\"\n")
            project.write("resources/extra/server/index.js", "// not loaded\n")
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let pid = try #require(watch.log.serverPID)
            project.append("resources/extra/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "resource extra changed, but resources in \(project.path("server.toml")) does not list it"))
            #expect(await watch.log.wait(for: "✓ #2 resources/extra/server/index.js"))
            #expect(!watch.log.text.contains("Loading resource extra"))
            #expect(watch.log.serverPID == pid && watch.log.serverStarts == 1)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.named("resources.restarted").isEmpty && facts.named("server.stopped").isEmpty)
        }
    }
}
