import Foundation
import Glibc
import Testing

@testable import AltVDev

@Suite("[notify]: the bell and the desktop")
struct NotifyTests {
    @Test("on = [\"failed\"]: a ✗ rings the bell and reaches notify-send once each, the password masked; reloaded to [\"failed\", \"ok\"], the ✓ too")
    func notifies() async throws {
        try await withProject { project in
            let calls = project.path("notify-calls")
            // A stand-in for notify-send: each call one line, its arguments separated by |.
            let environ = project.path("notify-environ")
            project.write(
                "bin/notify-send", "#!/bin/sh\nenv >> '\(environ)'\nfor a in \"$@\"; do printf '%s|' \"$a\"; done >> '\(calls)'\necho >> '\(calls)'\n")
            chmod(project.path("bin/notify-send"), 0o755)
            // The stage fails while a file named with the password is there: its name is in the ✗ line.
            let failing = "resources/core/fail-Secret-Pw-77.js"
            let stage = PipelineTests.stage("build", "test ! -e \(failing)", extra: "outputs = []")
            func config(_ on: String) { project.writeConfig(reconnect: ["enabled": "false", "password": "\"Secret-Pw-77\""], extra: stage + "[notify]\non = \(on)\n") }
            config("[\"failed\"]")
            let terminal = try Terminal()
            let environment = ["PATH": project.path("bin") + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? ""), "DISPLAY": ":99", "WAYLAND_DISPLAY": "",
                // The password's variable too: notify-send, like every child, must not get it.
                "ALTV_SERVER_PASSWORD": "Secret-Pw-77"]
            let watch = try project.launch(["watch"], environment: environment, terminal: terminal)
            terminal.closeReplica()
            #expect(await watch.log.wait(for: "✓ #1 start"))

            project.write(failing, "x\n")
            #expect(await watch.log.wait(for: "✗ #2 "))
            #expect(await Self.lines(in: calls, reach: 1))
            config("[\"failed\", \"ok\"]")
            #expect(await watch.log.wait(for: "config reloaded"))
            unlink(project.path(failing))
            #expect(await watch.log.wait(for: "✓ #3 "))
            #expect(await Self.lines(in: calls, reach: 2))
            await project.stopAndExpectNothingLeft(watch)

            let told = try String(contentsOfFile: calls, encoding: .utf8).split(separator: "\n").map(String.init)
            let title = "altv-dev · " + FilePath.name(project.root)
            #expect(told.count == 2, "\(told)")
            #expect(told.first?.hasPrefix("--app-name=altv-dev|--urgency=critical|\(title)|✗ #2 resources/core/fail-\(Redactor.mask).js · ") == true, "\(told)")
            #expect(told.last?.hasPrefix("--app-name=altv-dev|--urgency=normal|\(title)|✓ #3 ") == true, "\(told)")
            #expect(!told.joined().contains("Secret-Pw-77"))
            let seen = try String(contentsOfFile: environ, encoding: .utf8)
            #expect(seen.contains("DISPLAY=:99") && !seen.contains("Secret-Pw-77") && !seen.contains("ALTV_SERVER_PASSWORD"))
            // One bell per verdict told: the ✗ and the ✓ (not the first start's, before ok was asked for).
            #expect(watch.terminalOutput.filter { $0 == 0x07 }.count == 2)
        }
    }

    /// Waits until `file` has `count` lines (notify-send runs beside the loop, which says nothing when it ends).
    static func lines(in file: String, reach count: Int, within timeout: Duration = .seconds(20)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while ContinuousClock.now < deadline {
            if let text = try? String(contentsOfFile: file, encoding: .utf8), text.split(separator: "\n").count >= count { return true }
            try? await Task.sleep(for: .milliseconds(20))
        }
        return false
    }
}
