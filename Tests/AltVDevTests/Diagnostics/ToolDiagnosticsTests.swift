import TestSupport
import Testing

@testable import AltVDev

@Suite("Diagnostics from tools' output")
struct ToolDiagnosticsTests {
    func read(_ text: String) -> [Diagnostic] {
        var parser = ToolDiagnostics(source: "build")
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { parser.read(ANSI.strip(String(line))) }
        parser.finish()
        return parser.found
    }

    // Captured from Debian's tsc 4.8.4 (`tsc -p .`, and `--pretty` as on a terminal) on a file of our own.
    @Test("tsc, plain and --pretty: file, line, column, code, message")
    func tsc() {
        let plain = read("""
            src/a.ts(1,5): error TS2322: Type 'number' is not assignable to type 'string'.
            src/a.ts(3,12): error TS7006: Parameter 'a' implicitly has an 'any' type.
            """)
        #expect(plain == [
            Diagnostic(source: "build", file: "src/a.ts", line: 1, column: 5, severity: .error, message: "Type 'number' is not assignable to type 'string'.", code: "TS2322"),
            Diagnostic(source: "build", file: "src/a.ts", line: 3, column: 12, severity: .error, message: "Parameter 'a' implicitly has an 'any' type.", code: "TS7006"),
        ])
        let pretty = read(
            "\u{1B}[96msrc/a.ts\u{1B}[0m:\u{1B}[93m1\u{1B}[0m:\u{1B}[93m5\u{1B}[0m - \u{1B}[91merror\u{1B}[0m\u{1B}[90m TS2322: \u{1B}[0mType 'number' is not assignable to type 'string'.\n\n"
                + "\u{1B}[7m1\u{1B}[0m let x: string = 1;\n\u{1B}[7m \u{1B}[0m \u{1B}[91m    ~\u{1B}[0m\n")
        #expect(pretty == [plain[0]])
    }

    // Captured from Debian's esbuild 0.17.0: its column is 0-based (tsc says (2,7) for the same `y`).
    @Test("esbuild: the message, then its place two lines on, the column made 1-based; a message without a place is kept")
    func esbuild() {
        let found = read("""
            ✘ [ERROR] Expected ";" but found "y"

                src/b.ts:2:6:
                  2 │ let x y
                    │       ^
                    ╵       ;

            ▲ [WARNING] Comparison using the "==" operator here is always false

            1 error
            ✘ [ERROR] Could not resolve "fs-extra"
            """)
        #expect(found == [
            Diagnostic(source: "build", file: "src/b.ts", line: 2, column: 7, severity: .error, message: "Expected \";\" but found \"y\""),
            Diagnostic(source: "build", severity: .warning, message: "Comparison using the \"==\" operator here is always false"),
            Diagnostic(source: "build", severity: .error, message: "Could not resolve \"fs-extra\""),
        ])
    }

    @Test("the C# compiler through MSBuild: the project in brackets is no part of the message, and its summary repeats are one")
    func csharp() {
        let line = "/srv/gm/Server.cs(12,5): error CS1002: ; expected [/srv/gm/Gamemode.csproj]"
        let found = read(line + "\n    1 Warning(s)\n" + "/srv/gm/Server.cs(3,1): warning CS0168: The variable 'e' is declared but never used [/srv/gm/Gamemode.csproj]\n" + line)
        #expect(found == [
            Diagnostic(source: "build", file: "/srv/gm/Server.cs", line: 12, column: 5, severity: .error, message: "; expected", code: "CS1002"),
            Diagnostic(source: "build", file: "/srv/gm/Server.cs", line: 3, column: 1, severity: .warning, message: "The variable 'e' is declared but never used", code: "CS0168"),
        ])
    }

    @Test("lines that only look like diagnostics are none")
    func lookalikes() {
        #expect(read("""
            [build] done (2 files): error count 0
            Error: boom
            f(1,2): error : no code
            x(a,b): error TS1: m
            :1:2 - error TS2: no file
            a.ts(0,-3): error TS2: before the file's start
                :3:4:
            """).isEmpty)
    }

    @Test("fuzzed tool output never crashes the reader, and what it finds has a place or none, never half of one")
    func fuzz() {
        fuzzDiagnostics(seed: "src/a.ts(1,5): error TS2322: T.\n✘ [ERROR] E\n\n    src/b.ts:2:6:\nsrc/a.ts:1:5 - warning TS1: W\n", randomSeed: 20_261_203, read: read)
    }
}
