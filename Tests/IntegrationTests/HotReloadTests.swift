import AltVDev
import Foundation
import Glibc
import TestSupport
import Testing

@Suite("altv-dev.toml hot reload")
struct HotReloadTests {
    /// The current `altv-dev.toml` with `old` replaced by `new`.
    func edit(_ project: TestProject, _ old: String, _ new: String) throws -> String {
        let text = try String(contentsOfFile: project.path("altv-dev.toml"), encoding: .utf8)
        #expect(text.contains(old))
        return text.replacingOccurrences(of: old, with: new)
    }

    @Test("a valid save applies at once, key by key; [watch] re-arms without a restart")
    func validChange() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            try FileManager.default.createDirectory(atPath: project.path("extra"), withIntermediateDirectories: true)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.write("altv-dev.toml", try edit(project, "debounce = \"100ms\"\npaths = [\"resources\"]", "debounce = \"50ms\"\npaths = [\"resources\", \"extra\"]"))
            #expect(await watch.log.wait(for: "watch.debounce: \"100ms\" → \"50ms\""))
            #expect(watch.log.count(containing: "watch.paths: [\"\(project.path("resources"))\"] → [\"\(project.path("resources"))\", \"\(project.path("extra"))\"]") == 1)
            #expect(await watch.log.wait(for: "with the new [watch] settings"))
            #expect(watch.log.serverStarts == 1)
            project.write("extra/new.js", "x\n")
            #expect(await watch.log.wait(for: "✓ #2 extra/new.js ·"))
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.named("config.reloaded").first?["changed"] as? [String] == ["watch.paths", "watch.debounce"])
            #expect(facts.triggers == ["start", "change"])
        }
    }

    @Test("a changed [server] restarts the server with it")
    func serverChange() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.write("altv-dev.toml", try edit(project, "[server]\n", "[server]\nready = \"Main thread started\"\n"))
            #expect(await watch.log.wait(for: "server.ready: \"Server started\" → \"Main thread started\""))
            #expect(await watch.log.wait(for: "✓ #2 [server] config changed"))
            #expect(watch.log.serverStarts == 2)
            let facts = await project.stopAndReadEvents(watch)
            #expect(facts.triggers == ["start", "config"])
            #expect(facts.named("config.reloaded").first?["changed"] as? [String] == ["server.ready"])
        }
    }

    @Test("200 mutated configs saved into a running watch: each refused with its place, the loop lives on, the last good config stays")
    func mutatedSaves() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["debounce": "\"1ms\""], reconnect: ["enabled": "false"])
            let good = try String(contentsOfFile: project.path("altv-dev.toml"), encoding: .utf8)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            var random = SeededRandom(seed: 20_261_127)
            var saved = 0
            while saved < 200 {
                let bytes = ByteMutator.mutate(Array(good.utf8), using: &random)
                // Only saves the loader refuses: a valid mutation would restart the server and prove nothing here.
                let text = "# save \(saved)\n" + String(decoding: bytes, as: UTF8.self)
                guard Array(text.utf8) == Array("# save \(saved)\n".utf8) + bytes, !ConfigLoader.isBlank(text),
                    (try? ConfigLoader.parse(source: text, file: project.path("altv-dev.toml"))) == nil
                else { continue }
                project.write("altv-dev.toml", text)
                saved += 1
                #expect(await watch.log.wait(for: "config not applied, keeping the last good one", count: saved), "save \(saved)")
            }
            // Still the first config: one server, and a save restarts it as before.
            #expect(watch.log.serverStarts == 1)
            project.append("resources/core/server/index.js", "// after 200 bad saves\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            // Everything said about the bad saves came before that line.
            let placed = watch.log.lines.filter { $0.contains("altv-dev.toml:") && $0.contains(": error: ") }
            #expect(placed.count >= 200)
            #expect(placed.allSatisfy { $0.range(of: #"altv-dev\.toml:\d+:\d+: error: "#, options: .regularExpression) != nil }, "\(placed)")
            project.write("altv-dev.toml", good.replacingOccurrences(of: "debounce = \"1ms\"", with: "debounce = \"2ms\""))
            #expect(await watch.log.wait(for: "watch.debounce: \"1ms\" → \"2ms\""))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("an invalid save is reported with its place and changes nothing; the next good save applies")
    func invalidChange() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let good = try String(contentsOfFile: project.path("altv-dev.toml"), encoding: .utf8)
            project.write("altv-dev.toml", "[server]\nready = 5\n" + good.replacingOccurrences(of: "[server]\n", with: ""))
            // The detail line comes in the same write as the headline: wait for it, not for the headline.
            #expect(await watch.log.wait(for: "altv-dev.toml:2:9: error: server.ready: expected a string, found an integer"))
            #expect(watch.log.count(containing: "config not applied, keeping the last good one:") == 1)
            // Still running on the old config: a save restarts as before.
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            project.write("altv-dev.toml", good.replacingOccurrences(of: "debounce = \"100ms\"", with: "debounce = \"80ms\""))
            #expect(await watch.log.wait(for: "watch.debounce: \"100ms\" → \"80ms\""))
        }
    }

    @Test("a deleted or emptied file keeps the last good config; an editor's rename-save applies")
    func deleteEmptyAndRename() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            let good = try String(contentsOfFile: project.path("altv-dev.toml"), encoding: .utf8)
            try FileManager.default.removeItem(atPath: project.path("altv-dev.toml"))
            #expect(await watch.log.wait(for: "is gone; keeping the last good config"))
            project.write("altv-dev.toml", "\n")
            #expect(await watch.log.wait(for: "is empty; keeping the last good config"))
            // Save by rename, as vim (backupcopy=no) and JetBrains do.
            project.write("altv-dev.toml.tmp", good.replacingOccurrences(of: "debounce = \"100ms\"", with: "debounce = \"70ms\""))
            #expect(rename(project.path("altv-dev.toml.tmp"), project.path("altv-dev.toml")) == 0)
            #expect(await watch.log.wait(for: "watch.debounce: \"100ms\" → \"70ms\""))
            #expect(watch.log.serverStarts == 1)
        }
    }

    @Test("the password is masked in the list of changes")
    func maskedPassword() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false", "password": "\"first-secret\""])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.write("altv-dev.toml", try edit(project, "first-secret", "second-secret"))
            #expect(await watch.log.wait(for: "reconnect.password: changed"))
            #expect(!watch.log.text.contains("first-secret"))
            #expect(!watch.log.text.contains("second-secret"))
        }
    }

    @Test("every password altv-dev knows is masked: a command naming it (check, the start line, --verbose), server.toml's beside the configured one, the old one after a reload")
    func everyPasswordMasked() async throws {
        try await withProject { project in
            project.write("server.toml", "password = \"toml-secret-77\"\nresources = [\"core\", \"chat\"]\n")
            let echo = "echo \"said ${ALTV_SERVER_PASSWORD} toml-secret-77 old-secret-55\""
            project.writeConfig(reconnect: ["enabled": "false", "password": "\"old-secret-55\""], extra: PipelineTests.stage("build", echo))
            let environment = ["ALTV_SERVER_PASSWORD": "env-secret-99"]
            let check = try project.launch(["check"], environment: environment)
            #expect(await check.waitForExit() == .exited(0))
            #expect(check.log.text.contains("echo \\\"said ******** ******** ********\\\""), "\(check.log.text)")
            let watch = try project.launch(["watch", "--verbose"], environment: environment)
            #expect(await watch.log.wait(for: "[build] said ******** ******** ********"))
            project.write("altv-dev.toml", try edit(project, "old-secret-55\"", "new-secret-33\""))
            #expect(await watch.log.wait(for: "reconnect.password: changed"))
            project.append("resources/chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "[build] said ******** ******** ********", count: 2))
            await project.stopAndExpectNothingLeft(watch)
            for secret in ["env-secret-99", "toml-secret-77", "old-secret-55", "new-secret-33"] {
                #expect(!watch.log.text.contains(secret) && !check.log.text.contains(secret), "\(secret) was printed")
            }
        }
    }

    @Test("no secret in any process altv-dev started: the guardian, the server, a stage and a service hold neither password_env nor a variable password = \"${MY_SECRET}\" names")
    func noSecretInChildren() async throws {
        try await withProject { project in
            project.writeConfig(
                reconnect: ["enabled": "false", "password": "\"${MY_SECRET}\""],
                extra: PipelineTests.stage("build", "echo \"stage sees [$MY_SECRET] [$ALTV_SERVER_PASSWORD]\"")
                    + "[[service]]\nname = \"svc\"\ncommand = \"exec sleep 600\"\n")
            let watch = try project.launch(["watch"], environment: ["MY_SECRET": "my-secret-value-1", "ALTV_SERVER_PASSWORD": "env-secret-value-2"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(watch.log.count(containing: "[build] stage sees [] []") == 1)
            let ours = project.survivors().filter { $0 != watch.pid }
            #expect(ours.count >= 3, "the guardian, the server and the service: \(ours)")
            for pid in ours {
                let environ = String(decoding: ProcFile.read("/proc/\(pid)/environ") ?? [], as: UTF8.self)
                #expect(!environ.contains("my-secret-value-1") && !environ.contains("env-secret-value-2"), "pid \(pid) holds a secret")
            }
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}
