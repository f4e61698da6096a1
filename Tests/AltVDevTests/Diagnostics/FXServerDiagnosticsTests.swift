import Testing

@testable import AltVDev

/// FXServer's error lines as shared/fivem/README.md §2 quotes them (LuaScriptRuntime.cpp, scheduler.lua, NodeScriptRuntime.cpp).
@Suite("FXServer's script errors as diagnostics")
struct FXServerDiagnosticsTests {
    static func read(_ lines: [String]) -> [Diagnostic] {
        var reader = ServerDiagnostics(fxServerFolders: { $0 == "ghost" ? nil : "/srv/resources/[local]/" + $0 })
        return lines.flatMap { reader.read($0) } + reader.finish()
    }

    @Test("a Lua error in a handler, a script that does not parse, one that throws at load, a JS error without a place")
    func lines() {
        let found = Self.read([
            "[       script:myres] SCRIPT ERROR: @myres/server.lua:3: attempt to call a nil value (global 'Foo')",
            "[       script:myres] > fn (@myres/server.lua:3)",
            "[       script:myres] Error parsing script @myres/client.lua in resource myres: @myres/client.lua:5: '=' expected near 'x'",
            "[       script:jsres] Error parsing script @jsres/server.js in resource jsres: SyntaxError: Unexpected identifier",
            "[       script:jsres] SCRIPT ERROR in handler: TypeError: x is not a function",
            "[           resources] Started resource myres",
        ])
        #expect(found == [
            Diagnostic(
                source: "server", resource: "myres", file: "/srv/resources/[local]/myres/server.lua", line: 3, column: 1, severity: .error,
                message: "attempt to call a nil value (global 'Foo')"),
            Diagnostic(
                source: "server", resource: "myres", file: "/srv/resources/[local]/myres/client.lua", line: 5, column: 1, severity: .error,
                message: "'=' expected near 'x'"),
            Diagnostic(source: "server", resource: "jsres", severity: .error, message: "@jsres/server.js: SyntaxError: Unexpected identifier"),
            Diagnostic(source: "server", severity: .error, message: "SCRIPT ERROR in handler: TypeError: x is not a function"),
        ])
    }

    @Test("a place that does not read as one is kept as printed, with no place; an unknown resource has no folder")
    func unplaced() {
        let found = Self.read(["[x] SCRIPT ERROR: @myres/server.lua:x: boom", "[x] SCRIPT ERROR: @ghost/a.lua:2: boom", "[x] SCRIPT ERROR: plain"])
        #expect(found.map(\.file) == [nil, nil, nil] && found.map(\.message) == ["@myres/server.lua:x: boom", "@ghost/a.lua:2: boom", "plain"])
        #expect(found.map(\.resource) == [nil, "ghost", nil])
    }

    @Test("fuzzed FXServer output never crashes the reader, and what it finds has a place or none, never half of one")
    func fuzz() {
        fuzzDiagnostics(
            seed: "[script:r] SCRIPT ERROR: @r/a.lua:3: boom\n[script:r] Error parsing script @r/b.lua in resource r: @r/b.lua:5: x\n[script:r] SCRIPT ERROR in h: e\n",
            randomSeed: 20_261_205, read: { text in Self.read(text.split(separator: "\n").map(String.init)) })
    }
}
