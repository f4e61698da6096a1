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

    @Test("control characters in altv-dev's own lines are shown, never sent; new lines, tabs and other text stay")
    func controlsEscaped() {
        #expect(Console.escapingControls("core/\u{1B}]0;pwned\u{07}\u{1B}[2J.js") == "core/\\x1b]0;pwned\\x07\\x1b[2J.js")
        #expect(Console.escapingControls("a\tb\nc über ✓") == "a\tb\nc über ✓")
        #expect(Console.escapingControls("\r\u{7F}\u{9B}") == "\\x0d\\x7f\\x9b")
    }

    @Test("a secret is masked wherever it stands as a whole token")
    func redact() {
        let redactor = Redactor(secrets: ["hunter2", ""])
        #expect(redactor.redact("pw=hunter2 again hunter2!") == "pw=******** again ********!")
        #expect(redactor.redact("\"hunter2\" /x/hunter2/y user:hunter2@host") == "\"********\" /x/********/y user:********@host")
        #expect(redactor.redact("hunter") == "hunter")
        #expect(Redactor(secrets: []).redact("hunter2") == "hunter2")
    }

    @Test("a password with a line break is masked line by line; a longer secret that holds a shorter one is masked whole")
    func multiLine() {
        let redactor = Redactor(secrets: ["first-line\nsecond-line", "hunter2", "hunter2-longer"])
        #expect(redactor.redact("[server] first-line") == "[server] ********")
        #expect(redactor.redact("second-line!") == "********!")
        #expect(redactor.redact("x hunter2-longer y") == "x ******** y")
        #expect(Redactor(secrets: ["ab\ncd"]).redact("ab cd") == "ab cd")
    }

    @Test("inside a longer word it is another word, not the secret", arguments: [
        ("hunter22", "hunter22"), ("xhunter2", "xhunter2"), ("hunter2_x", "hunter2_x"), ("éhunter2", "éhunter2"),
        ("hunter2-x", "********-x"), ("[hunter2]", "[********]"), ("hunter2", "********"),
    ])
    func tokens(_ text: String, _ expected: String) {
        #expect(Redactor(secrets: ["hunter2"]).redact(text) == expected)
    }

    @Test("a secret that begins or ends with punctuation is masked wherever it stands there")
    func punctuationEdges() {
        let redactor = Redactor(secrets: ["!s3cret!"])
        #expect(redactor.redact("a!s3cret!b") == "a********b")
        #expect(redactor.redact("x!s3cret!") == "x********")
    }

    @Test("a password too short to mask is not masked, and is warned about", arguments: ["pw", "altv", "start"])
    func shortSecrets(_ password: String) {
        let redactor = Redactor(secrets: [password])
        #expect(redactor.isEmpty)
        for text in ["[altv-dev] ready when /Server started/", "/srv/bar-pw-x/altv-dev.toml", "pw altv start"] {
            #expect(redactor.redact(text) == text)
        }
        #expect(Redactor.weakSecretWarning(Secret(password))?.contains("shorter than 6 characters") == true)
        #expect(Redactor.weakSecretWarning(Secret("longer-one")) == nil)
        #expect(Redactor.weakSecretWarning(nil) == nil)
    }

    @Test("last lines keep the one that says what failed, even above a long stack")
    func tellingLines() {
        let node = ["> build", "node:internal/errors:496", "Error [ERR_MODULE_NOT_FOUND]: Cannot find package 'fs-extra' imported from /p/build.mjs"]
            + (1...10).map { "    at frame\($0) (node:internal/modules/esm/resolve:\($0))" } + ["Node.js v18.19.0"]
        let shown = Array(Narrator.telling(node, count: 10))
        #expect(shown.count == 10 && shown.first == node[2] && shown.last == "Node.js v18.19.0")
        // A tail that says it already is left as it is.
        let plain = (1...12).map { "line \($0)" } + ["src/a.ts(1,1): error TS2322: nope"]
        #expect(Array(Narrator.telling(plain, count: 10)) == Array(plain.suffix(10)))
        #expect(Array(Narrator.telling(["a", "b"], count: 10)) == ["a", "b"])
    }

    @Test("the cycle line lists the steps that ran")
    func cycleLine() {
        var report = CycleReport(number: 2, trigger: "resources/core/server/index.js")
        report.stop = .milliseconds(105)
        report.startToReady = .milliseconds(1210)
        report.resourcesRestarted = ResourceRestartSummary(roots: ["other"], restarted: ["other", "dependent"], duration: .milliseconds(12))
        #expect(report.line == "✓ #2 resources/core/server/index.js · stop 105ms · start→ready 1.21s · restarted resource other (+ dependent) in 12ms")
        report.result = .clientNotConnected
        #expect(report.line.hasSuffix(" · server ready · waiting for the game client") && report.line.hasPrefix("✓ #2"))
        report.result = .failed(.exitedBeforeReady(.exited(1)))
        #expect(report.line.hasPrefix("✗ #2"))
    }

    @Test("change set summaries are relative and counted")
    func summary() {
        #expect(ChangeSet(paths: ["/p/a.js", "/p/b.js"]).summary(relativeTo: "/p") == "a.js (+1 more)")
        #expect(ChangeSet(paths: [], overflowed: true).summary(relativeTo: "/p") == "everything (events were lost)")
    }
}
