import TestSupport
import Testing

@testable import AltVDev

@Suite("Diagnostics from the server's output")
struct ServerDiagnosticsTests {
    func read(_ text: String) -> [Diagnostic] {
        var parser = ServerDiagnostics()
        var found: [Diagnostic] = []
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) { found += parser.read(ANSI.strip(String(line))) }
        return found + parser.finish()
    }

    // As the shared facts quote the real server: Node's raw block, then the server's own line.
    @Test("a JS error at load: the message at its first frame in a file, its resource from the path; then the server's [Error] line")
    func errorAtLoad() {
        let found = read("""
            Error: boom at load
                at file:///srv/altv/resources/throwload/server.js:3:7
                at ModuleJob.run (node:internal/modules/esm/module_job:193:25)
            [12:42:21][Error] Failed to load resource throwload
            [12:42:21] Server started
            """)
        #expect(found == [
            Diagnostic(
                source: "server", resource: "throwload", file: "/srv/altv/resources/throwload/server.js", line: 3, column: 7, severity: .error,
                message: "Error: boom at load"),
            Diagnostic(source: "server", resource: "throwload", severity: .error, message: "Failed to load resource throwload"),
        ])
    }

    @Test("a syntax error has no place: said when its block ends, the resource the next line failed to load named")
    func syntaxError() {
        let found = read("""
            SyntaxError: missing ) after argument list
                at Loader.moduleStrategy (internal/modules/esm/translators.js:133:18)
                at async link (internal/modules/esm/module_job.js:42:21)
            [\u{1B}[31m12:42:21\u{1B}[0m][Error] Failed to load resource broken
            """)
        #expect(found == [
            Diagnostic(source: "server", resource: "broken", severity: .error, message: "SyntaxError: missing ) after argument list"),
            Diagnostic(source: "server", resource: "broken", severity: .error, message: "Failed to load resource broken"),
        ])
    }

    @Test("a runtime error logged by [Error], a frame in parentheses with an escaped space, Node's [CODE], and the output ending mid-block")
    func runtimeForms() {
        let found = read("""
            [2026-12-03 05:00:00][Error] TypeError: player.foo is not a function
                at Timeout._onTimeout (file:///home/me/my%20server/resources/core/server.js:10:15)
                at listOnTimeout (node:internal/timers:559:17)
            Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/srv/resources/chat/x.js'
            """)
        #expect(found == [
            Diagnostic(
                source: "server", resource: "core", file: "/home/me/my server/resources/core/server.js", line: 10, column: 15, severity: .error,
                message: "TypeError: player.foo is not a function"),
            Diagnostic(source: "server", severity: .error, message: "Error [ERR_MODULE_NOT_FOUND]: Cannot find module '/srv/resources/chat/x.js'"),
        ])
    }

    @Test("lines that only look like errors are none: a plain line with the word, a lowercase error:, a frame outside a block, [Warning]")
    func lookalikes() {
        #expect(read("""
            [12:00:00] Error handling is set up
            error: not Node's
            errors: 3
                at file:///srv/resources/core/server.js:1:1
            [12:00:00][Warning] For changes in permissions, restarting server is required for changes to apply
            [12:00:00][Error]
            console.log said Error: inside a line
            """).isEmpty)
    }

    @Test("the [Error] line's resource: No such resource X is loaded; Could not open resource.cfg names none")
    func resources() {
        let found = read("""
            [..][Error] No such resource hello is loaded
            [..][Error] Could not open resource.cfg
            """)
        #expect(found.map(\.resource) == ["hello", nil])
    }

    @Test("no run reports more than the limit (the master server's retry every 10 s)")
    func limit() {
        let text = (1...250).map { "[..][Error] Master server connect failed. Attempt #\($0)" }.joined(separator: "\n")
        let found = read(text)
        #expect(found.count == ServerDiagnostics.limit)
        #expect(found.last?.message == "Master server connect failed. Attempt #200")
    }

    @Test("fuzzed server output never crashes the reader, and what it finds has a place or none, never half of one")
    func fuzz() {
        fuzzDiagnostics(
            seed: "Error: boom\n    at f (file:///s/resources/r/a.js:3:7)\n[1][Error] Failed to load resource r\nTypeError: x\n    at node:internal/x:1:2\n",
            randomSeed: 20_261_204, read: read, also: { $0.file.map { $0.hasPrefix("/") } ?? true })
    }
}
