import AltVDev
import Foundation
import Glibc
import Testing

/// `altv-dev ci` on the simulated server: the loop once, a verdict CI can act on.
@Suite("altv-dev ci")
struct CITests {
    @Test("a healthy project: stages and a check pass, the server gets ready and runs --for, everything stops; exit 0, JUnit and events written")
    func passes() async throws {
        try await withProject { project in
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("build", "echo built") + PipelineTests.stage("typecheck", "echo typed", outputs: [], extra: "outputs = []\ngate = false"))
            let junit = project.path("report.xml")
            let ci = try project.launch(["ci", "--for", "300ms", "--junit", junit, "--events", project.eventsFile])
            #expect(await ci.waitForExit() == .exited(0))
            #expect(ci.log.count(containing: "✓ build ") == 1 && ci.log.count(containing: "✓ typecheck ") == 1)
            #expect(ci.log.count(containing: "server: ✓ ready in ") == 1 && ci.log.text.contains(", watched 300ms"))
            #expect(ci.log.count(containing: "resources: 2 loaded (core, chat), 0 failed") == 1)
            #expect(ci.log.lines.last == "[altv-dev] ✓ ci passed")
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("<testsuites name=\"altv-dev ci\" tests=\"5\" failures=\"0\">"))
            #expect(xml.contains("<testcase classname=\"resources\" name=\"chat\"/>") && xml.contains("<testcase classname=\"stages\" name=\"typecheck\""))
            #expect(project.events().contains { $0["event"] as? String == "server.ready" })
            #expect(await project.waitForNoSurvivors().isEmpty)
        }
    }

    @Test("a resource that throws at load, an [Error] line, a failing check: exit 1, each named in the summary and as a JUnit failure")
    func fails() async throws {
        try await withProject { project in
            project.write("resources/chat/server/index.js", "throw new Error(\"chat is broken\");\n")
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("typecheck", "echo 'src/a.ts(1,1): error TS2322: Type number is not assignable to type string.'; exit 2", outputs: [], extra: "outputs = []\ngate = false"))
            let junit = project.path("report.xml")
            let ci = try project.launch(["ci", "--junit", junit, "--events", project.eventsFile])
            #expect(await ci.waitForExit() == .exited(1))
            #expect(ci.log.count(containing: "✗ stage typecheck exited with status 2 after ") == 1)
            #expect(ci.log.count(containing: "✗ chat failed to load") == 1)
            #expect(ci.log.text.contains("│ Error: chat is broken"))
            #expect(ci.log.text.contains("server errors: ") && ci.log.text.contains("Failed to load resource chat"))
            #expect(ci.log.lines.last == "[altv-dev] error: ✗ ci failed")
            let xml = try String(contentsOfFile: junit, encoding: .utf8)
            #expect(xml.contains("<testcase classname=\"resources\" name=\"chat\">\n      <failure message=\"chat failed to load\">"))
            #expect(xml.contains("<failure message=\"stage typecheck exited with status 2"))
            // Each problem as a diagnostic at its place: the stage's from tsc's line, the server's from Node's block.
            let diagnostics = project.events().filter { $0["event"] as? String == "diagnostic" }
            let fromStage = try #require(diagnostics.first { $0["source"] as? String == "typecheck" })
            #expect(fromStage["file"] as? String == "src/a.ts" && fromStage["line"] as? Int == 1 && fromStage["code"] as? String == "TS2322")
            let thrown = try #require(diagnostics.first { $0["message"] as? String == "Error: chat is broken" })
            #expect(thrown["source"] as? String == "server" && thrown["resource"] as? String == "chat")
            #expect(thrown["file"] as? String == "resources/chat/server/index.js" && thrown["line"] as? Int == 1 && thrown["column"] as? Int == 1)
            #expect(diagnostics.contains { $0["message"] as? String == "Failed to load resource chat" && $0["resource"] as? String == "chat" })
            #expect(await project.waitForNoSurvivors().isEmpty)
        }
    }

    @Test("a server that never gets ready: exit 1 within ready_timeout, said why; bad --for is input, exit 2")
    func notReady() async throws {
        try await withProject { project in
            project.writeConfig(server: ["ready": "\"never printed\"", "ready_timeout": "\"1s\""], reconnect: ["enabled": "false"])
            let ci = try project.launch(["ci"])
            #expect(await ci.waitForExit() == .exited(1))
            #expect(ci.log.text.contains("server: ✗ no line matched /never printed/ within 1.00s"))
            let bad = try project.launch(["ci", "--for", "soon"])
            #expect(await bad.waitForExit() == .exited(2))
            #expect(bad.log.text.contains("--for soon: not a duration"))
        }
    }

    @Test("examples/ci: its config runs the freeroam example on the simulator once and passes, as its workflow does")
    func example() async throws {
        try await withProject { project in
            for folder in ["ci", "freeroam"] {
                try FileManager.default.copyItem(atPath: Repository.root + "/examples/" + folder, toPath: project.path("examples/" + folder))
            }
            let serverToml = project.path("examples/freeroam/server.toml")
            let text = try String(contentsOfFile: serverToml, encoding: .utf8)
            try text.split(separator: "\n", omittingEmptySubsequences: false)
                .map { $0.hasPrefix("port") ? "port = \(project.serverPort)" : String($0) }.joined(separator: "\n")
                .write(toFile: serverToml, atomically: true, encoding: .utf8)
            let path = (Binary.path as NSString).deletingLastPathComponent + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
            let ci = try project.launch(["ci", "--config", "examples/ci/altv-dev.toml", "--for", "200ms"], environment: ["PATH": path])
            #expect(await ci.waitForExit() == .exited(0), "\(ci.log.text)")
            #expect(ci.log.count(containing: "✓ lint ") == 1 && ci.log.lines.last == "[altv-dev] ✓ ci passed")
            let workflow = try String(contentsOfFile: Repository.root + "/examples/ci/github-actions.yml", encoding: .utf8)
            #expect(workflow.contains("altv-dev ci --config examples/ci/altv-dev.toml --for 10s --junit altv-ci.xml"))
        }
    }
}
