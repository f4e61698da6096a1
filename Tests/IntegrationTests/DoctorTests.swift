import AltVDev
import Foundation
import Testing

@Suite("The alt:V doctor in check and watch")
struct DoctorTests {
    @Test("check and watch say the same doctor's warnings, with file:line:column; watch says them once, at start")
    func sameWarnings() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let serverToml = try String(contentsOfFile: project.path("server.toml"), encoding: .utf8)
            project.write("server.toml", serverToml + "\nuseCdn = true\n")
            project.write("resources/maps/island/resource.toml", "type = \"js\"\n")
            let check = try project.launch(["check"])
            #expect(await check.waitForExit() == .exited(0))
            let warnings = check.log.lines.filter { $0.contains(": warning: ") }
            #expect(warnings.count == 2)
            #expect(warnings.contains { $0.hasPrefix(project.path("server.toml") + ":6:1: warning: resource maps/island (resources/maps/island) is not in resources") })
            #expect(warnings.contains { $0.hasPrefix(project.path("server.toml") + ":7:1: warning: useCdn = true") })

            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2"))
            for warning in warnings { #expect(watch.log.count(containing: warning) == 1, "\(warning)") }
            // The VS Code task turns them into Problems at their place.
            let problems = try TaskMatchers().problems(in: watch.log.lines).filter { $0.source == "altv-dev" }
            #expect(problems.map { "\($0.file):\($0.line):\($0.column)" }.sorted()
                == [project.path("server.toml") + ":6:1", project.path("server.toml") + ":7:1"])
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}
