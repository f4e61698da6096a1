import Testing

@testable import AltVDev

@Suite("ANSI stripping and secret masking")
struct ConsoleTextTests {
    @Test("escapes are removed, text kept")
    func strip() {
        #expect(ANSI.strip("\u{1B}[1;31mred\u{1B}[0m plain") == "red plain")
        #expect(ANSI.strip("\u{1B}]0;title\u{07}after") == "after")
        #expect(ANSI.strip("no escapes") == "no escapes")
    }

    @Test("every occurrence of every secret is masked")
    func redact() {
        let redactor = Redactor(secrets: ["hunter2", ""])
        #expect(redactor.redact("pw=hunter2 again hunter2!") == "pw=******** again ********!")
        #expect(redactor.redact("hunter") == "hunter")
        #expect(Redactor(secrets: []).redact("hunter2") == "hunter2")
    }

    @Test("the cycle line lists the steps that ran")
    func cycleLine() {
        var report = CycleReport(number: 2, trigger: "resources/core/server/index.js")
        report.stop = .milliseconds(105)
        report.startToReady = .milliseconds(1210)
        report.reconnect = .milliseconds(48)
        #expect(report.line == "✓ #2 resources/core/server/index.js · stop 105ms · start→ready 1.21s · reconnect 48ms")
        report.result = .failed("server exited with status 1 before it was ready")
        #expect(report.line.hasPrefix("✗ #2"))
    }

    @Test("change set summaries are relative and counted")
    func summary() {
        #expect(ChangeSet(paths: ["/p/a.js", "/p/b.js"]).summary(relativeTo: "/p") == "a.js (+1 more)")
        #expect(ChangeSet(paths: [], overflowed: true).summary(relativeTo: "/p") == "everything (events were lost)")
    }
}
