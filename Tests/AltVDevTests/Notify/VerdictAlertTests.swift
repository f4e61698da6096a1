import Foundation
import Testing

@testable import AltVDev

@Suite("[notify]: which verdicts are told, and the config that says so")
struct VerdictAlertTests {
    func alert(_ event: LoopEvent, _ on: [NotifySettings.Verdict]) -> VerdictAlert? {
        VerdictAlert.alert(for: event, settings: NotifySettings(on: on), project: "freeroam")
    }

    static var ok: LoopEvent {
        .cycleFinished(cycle: 2, outcome: .completed, report: CycleReport(number: 2, trigger: "resources/core/a.js"))
    }

    static var failed: LoopEvent {
        var report = CycleReport(number: 3, trigger: "resources/core/a.js")
        report.result = .failed(.stageFailed("build", server: .keepsRunning))
        return .cycleFinished(cycle: 3, outcome: .stageFailed, report: report)
    }

    @Test("failed: a cycle's ✗ and a failed check, not a ✓; ok adds the ✓; none by default; a cancelled cycle and a gated stage never")
    func rule() {
        let check = LoopEvent.stageFinished(cycle: 3, result: StageResult(name: "typecheck", duration: .seconds(2), outcome: .failed(.exited(2)), gate: false))
        let gated = LoopEvent.stageFinished(cycle: 3, result: StageResult(name: "build", duration: .seconds(1), outcome: .failed(.exited(1))))
        let passedCheck = LoopEvent.stageFinished(cycle: 3, result: StageResult(name: "typecheck", duration: .seconds(2), outcome: .succeeded, gate: false))
        let cancelled = LoopEvent.cycleFinished(cycle: 4, outcome: .cancelled, report: CycleReport(number: 4, trigger: "x"))

        let failure = alert(Self.failed, [.failed])
        #expect(failure?.failed == true && failure?.title == "altv-dev · freeroam" && failure?.body.hasPrefix("✗ #3 resources/core/a.js · ") == true)
        #expect(alert(check, [.failed]) == VerdictAlert(failed: true, title: "altv-dev · freeroam", body: "✗ check stage typecheck exited with status 2 after 2.00s"))
        #expect(alert(Self.ok, [.failed]) == nil && alert(gated, [.failed]) == nil && alert(passedCheck, [.failed, .ok]) == nil)
        #expect(alert(Self.ok, [.failed, .ok]) == VerdictAlert(failed: false, title: "altv-dev · freeroam", body: "✓ #2 resources/core/a.js"))
        #expect(alert(cancelled, [.failed, .ok]) == nil)
        for event in [Self.ok, Self.failed, check] { #expect(alert(event, []) == nil) }
    }

    static let minimal = "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n"

    @Test("[notify] on is read, repeats dropped, printed back; a word it does not know is placed, with the fix")
    func config() throws {
        let config = try ConfigLoader.parse(source: Self.minimal + "[notify]\non = [\"failed\", \"ok\", \"failed\"]\n", file: "/p/altv-dev.toml")
        #expect(config.notify.on == [.failed, .ok])
        #expect(ConfigPrinter.toml(config).contains("[notify]\non = [\"failed\", \"ok\"]\n"))
        #expect(try ConfigLoader.parse(source: Self.minimal, file: "/p/altv-dev.toml").notify.on.isEmpty)
        do {
            _ = try ConfigLoader.parse(source: Self.minimal + "[notify]\non = [\"failed\", \"fail\"]\n", file: "/p/altv-dev.toml")
            Issue.record("no error")
        } catch {
            #expect("\(error)" == "/p/altv-dev.toml:6:17: error: notify.on.1: \"fail\" is not a verdict to notify\n  fix: write on = [\"failed\"] or on = [\"failed\", \"ok\"]")
        }
        #expect(throws: ConfigError.self) { try ConfigLoader.parse(source: Self.minimal + "[notify]\nwhen = [\"failed\"]\n", file: "/p/altv-dev.toml") }
    }

    @Test("the desktop is told only where a session is and notify-send is on PATH")
    func desktopSession() throws {
        try withTemporaryFolder(["bin/notify-send": "#!/bin/sh\n"]) { folder in
            chmod(folder + "/bin/notify-send", 0o755)
            let path = ["PATH": folder + "/bin"]
            #expect(Notifier.desktopProgram(environment: path.merging(["DISPLAY": ":0"]) { $1 }, directory: folder) == folder + "/bin/notify-send")
            #expect(Notifier.desktopProgram(environment: path.merging(["WAYLAND_DISPLAY": "wayland-0"]) { $1 }, directory: folder) != nil)
            #expect(Notifier.desktopProgram(environment: path.merging(["DISPLAY": ""]) { $1 }, directory: folder) == nil)
            #expect(Notifier.desktopProgram(environment: ["DISPLAY": ":0", "PATH": "/nonexistent"], directory: folder) == nil)
        }
    }
}
