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

    /// altv-typescript's example: esbuild in 123 ms, then tsc held every restart for 11 s. A check
    /// beside the build: this one ends only when the test lets it, so the order is proved, not timed.
    @Test("altv-typescript with tsc as gate = false: the restart's ✓ comes first, the check's verdict after it, and its failure keeps the new server")
    func typeCheckBesideTheBuild() async throws {
        try await withProject { project in
            project.write("src/core/index.ts", "export {}\n")
            let check = "while ! test -f release-check; do sleep 0.02; done; rm release-check; echo 'src/core/index.ts(3,7): error TS2322'; exit 2"
            project.writeConfig(
                watch: ["paths": "[\"resources\", \"src\"]"], reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("build", "echo built") + PipelineTests.stage("typecheck", check, outputs: [], extra: "outputs = []\ngate = false"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            #expect(!watch.log.text.contains("check typecheck"))
            project.write("release-check", "")
            #expect(await watch.log.wait(for: "✗ check stage typecheck exited with status 2 after "))
            #expect(watch.log.text.contains("(gate = false: the server runs the new code anyway)"))
            #expect(watch.log.showsFailureOnce("src/core/index.ts(3,7): error TS2322", of: "typecheck", verdict: "✗ check stage typecheck exited"))
            let pid = try #require(watch.log.serverPID)
            // A save starts the check again beside the next restart; said in the change line.
            project.append("src/core/index.ts", "// edit\n")
            #expect(await watch.log.wait(for: "change: src/core/index.ts → stage build, then restarting the server (check typecheck beside)"))
            #expect(await watch.log.wait(for: "✓ #2 src/core/index.ts · build "))
            #expect(watch.log.serverPID != pid)
            project.write("release-check", "")
            #expect(await watch.log.wait(for: "✗ check stage typecheck", count: 2))
            let facts = await project.stopAndReadEvents(watch)
            let checks = facts.named("stage.finished").filter { $0["stage"] as? String == "typecheck" }
            #expect(checks.map { $0["cycle"] as? Int } == [1, 2])
            #expect(checks.allSatisfy { $0["gate"] as? Bool == false && $0["ok"] as? Bool == false })
            #expect(facts.results == ["ok", "ok"])
        }
    }

    /// Per-resource builds (xts boilerplate, altv-mango): one resource's broken build held back
    /// every other resource's change until it was fixed.
    @Test("under restart-resources a failed build holds back only its resource: the other restarts, and the fix rebuilds only the failed one")
    func failedBuildHoldsBackItsResource() async throws {
        try await withProject { project in
            project.write("src/core/index.js", "// core\n")
            project.write("src/chat/index.js", "// chat\n")
            let build = { (name: String) in
                "test ! -f src/\(name)/broken || { echo '\(name): syntax error'; exit 1; }; cp src/\(name)/index.js resources/\(name)/server/index.js"
            }
            project.writeConfig(
                server: ["on_change": "\"restart-resources\""], watch: ["paths": "[\"resources\", \"src\"]", "debounce": "\"1s\""],
                reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("build-core", build("core"), when: ["src/core/**"], outputs: ["resources/core/**"])
                    + PipelineTests.stage("build-chat", build("chat"), when: ["src/chat/**"], outputs: ["resources/chat/**"], extra: "parallel = true"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let pid = try #require(watch.log.serverPID)
            project.write("src/core/broken", "")
            project.append("src/chat/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "build-core failed; resource core keeps its old code, the rest was restarted; the next change tries again"))
            #expect(watch.log.text.contains("resource core is not restarted: stage build-core failed, so it keeps its old code"))
            // The fix: only build-core runs again, and only core restarts.
            try FileManager.default.removeItem(atPath: project.path("src/core/broken"))
            #expect(await watch.log.wait(for: "✓ #3 src/core/broken"))
            #expect(watch.log.serverPID == pid && watch.log.serverStarts == 1)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.named("resources.restarted").map { $0["resources"] as? [String] } == [["chat"], ["core"]])
            let third = facts.named("stage.finished").filter { $0["cycle"] as? Int == 3 }.compactMap { $0["stage"] as? String }
            #expect(third == ["build-core"])
            #expect(facts.results == ["ok", "failed", "ok"])
        }
    }

    /// Several templates keep their settings (database URL, the server password) in `.env`, which
    /// nothing read: `[server] env_file` loads it for every child, and a save of it is a config save.
    @Test("env_file = \".env\": the stages get its variables (not the password's), a save of it restarts the server with the new ones")
    func dotEnvIsLoadedAndFollowed() async throws {
        try await withProject { project in
            project.write(".env", "GREETING=hello\nALTV_SERVER_PASSWORD=from-dot-env-9f3\n")
            let report = "echo \"greeting=$GREETING password=${ALTV_SERVER_PASSWORD:-unset}\""
            project.writeConfig(server: ["env_file": "\".env\""], reconnect: ["enabled": "false"], extra: PipelineTests.stage("build", report))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(watch.log.count(containing: "[build] greeting=hello password=unset") == 1)
            project.write(".env", "GREETING=bye\nALTV_SERVER_PASSWORD=from-dot-env-9f3\n")
            #expect(await watch.log.wait(for: "server.env_file: GREETING changed"))
            #expect(await watch.log.wait(for: "✓ #2 [server] config changed"))
            #expect(watch.log.serverStarts == 2)
            project.append("resources/chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "[build] greeting=bye password=unset"))
            #expect(!watch.log.text.contains("from-dot-env-9f3"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// Every npm project: `esbuild`, `tsc`, `vite` are dev dependencies, on no PATH but `npm run`'s.
    @Test("a stage and a service run a tool found only in the project's node_modules/.bin, as npm run would")
    func nodeModulesBinOnPath() async throws {
        try await withProject { project in
            project.write("node_modules/.bin/fake-esbuild", "#!/bin/sh\necho \"fake-esbuild ran in $(pwd)\"\n")
            project.write("webview/.keep", "")
            chmod(project.path("node_modules/.bin/fake-esbuild"), 0o755)
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("build", "fake-esbuild")
                    + "[[service]]\nname = \"webview\"\ncwd = \"webview\"\ncommand = \"fake-esbuild; exec sleep 600\"\nready = \"fake-esbuild ran\"\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            #expect(watch.log.count(containing: "[build] fake-esbuild ran in \(project.root)") == 1)
            #expect(watch.log.count(containing: "[webview] fake-esbuild ran in \(project.path("webview"))") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// Deleting or moving a resource out of resources/ left it loaded (a restart of it failed to load).
    @Test("under restart-resources a deleted resource folder is stopped in the console, the server keeps running")
    func deletedResourceIsStopped() async throws {
        try await withProject { project in
            project.writeConfig(server: ["on_change": "\"restart-resources\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let pid = try #require(watch.log.serverPID)
            try FileManager.default.removeItem(atPath: project.path("resources/chat"))
            #expect(await watch.log.wait(for: "stopped resource chat (its folder is gone)"))
            #expect(watch.log.text.contains("Stopped resource chat"))
            #expect(watch.log.serverPID == pid && watch.log.serverStarts == 1)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.named("resources.stopped").map { $0["resources"] as? [String] } == [["chat"]])
            #expect(facts.named("server.stopped").isEmpty && facts.results == ["ok", "ok"])
        }
    }

    /// The C# + TS template and several starters keep the server in a folder of its own with the
    /// sources beside it: `when = ["../src/**"]` could not say so.
    @Test("sources beside the server folder: [watch] paths and when climb out with ../, the stage runs for them")
    func sourcesBesideTheServerFolder() async throws {
        try await withProject { project in
            let sources = project.root + "-src"
            try FileManager.default.createDirectory(atPath: sources + "/core", withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(atPath: sources) }
            let name = FilePath.name(sources)
            try "export {}\n".write(toFile: sources + "/core/index.ts", atomically: true, encoding: .utf8)
            project.writeConfig(
                watch: ["paths": "[\"resources\", \"../\(name)\"]"], reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("build", "echo \"built $ALTV_DEV_CHANGED\"", when: ["../\(name)/**/*.ts"]))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            let edit = try FileHandle(forWritingTo: URL(fileURLWithPath: sources + "/core/index.ts"))
            edit.seekToEndOfFile()
            edit.write(Data("// edit\n".utf8))
            try edit.close()
            #expect(await watch.log.wait(for: "[build] built \(sources)/core/index.ts"))
            #expect(await watch.log.wait(for: "✓ #2 \(sources)/core/index.ts · build "))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// The two C# projects: `dotnet build` rewrote the DLL the server had loaded (coreclr-module #164).
    @Test("stop_first = true under restart-resources: the resource is stopped before the build and started after it, the server stays")
    func stopFirstAroundTheBuild() async throws {
        try await withProject { project in
            project.write("src/core.js", "// core\n")
            project.writeConfig(
                server: ["on_change": "\"restart-resources\""], watch: ["paths": "[\"resources\", \"src\"]"], reconnect: ["enabled": "false"],
                extra: PipelineTests.stage(
                    "dotnet", "echo building-now; cp src/core.js resources/core/server/index.js", when: ["src/**"], outputs: ["resources/core/**"],
                    extra: "stop_first = true"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let pid = try #require(watch.log.serverPID)
            project.append("src/core.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 src/core.js · dotnet "))
            let lines = watch.log.lines
            let stopped = try #require(lines.lastIndex { $0.hasSuffix("Stopped resource core") })
            let built = try #require(lines.lastIndex { $0.contains("[dotnet] building-now") })
            let loaded = try #require(lines.lastIndex { $0.hasSuffix("Loaded resource core") })
            #expect(stopped < built && built < loaded, "\(lines)")
            #expect(watch.log.serverPID == pid && watch.log.serverStarts == 1)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.named("resources.stopped").map { $0["resources"] as? [String] } == [["core"]])
            #expect(facts.named("resources.restarted").last?["resources"] as? [String] == ["core"])
        }
    }

    /// A Vite or webpack dev server that ignores SIGINT held altv-dev's exit for the whole stop_timeout in silence.
    @Test("a service that ignores its stop signal: altv-dev says what it waits for, then SIGKILLs the group at stop_timeout")
    func stubbornServiceIsNamed() async throws {
        try await withProject { project in
            project.writeConfig(
                server: ["stop_timeout": "\"2s\""], reconnect: ["enabled": "false"],
                extra: "[[service]]\nname = \"devserver\"\ncommand = \"trap '' INT TERM; echo up; while :; do sleep 0.05; done\"\nready = \"up\"\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            kill(watch.pid, SIGINT)
            #expect(await watch.log.wait(for: "waiting for service devserver to stop after SIGINT; its process group gets SIGKILL 2.00s after the signal"))
            #expect(await watch.log.wait(for: "devserver did not stop within 2.00s of SIGINT: killed its process group with SIGKILL"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}
