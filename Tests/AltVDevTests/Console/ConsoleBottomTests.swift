import Testing

@testable import AltVDev

/// The status line and the typed line under it, as bytes: each write takes both away and draws them again after it.
@Suite("The bottom of the terminal: status line and typed line")
struct ConsoleBottomTests {
    @Test("output under a status line and a half-typed line clears both, writes, and draws both again with the cursor after the text")
    func bothLines() throws {
        let screen = try FailureOutputTests.Screen()
        screen.console.showStatus("watching · ✓ #2 100ms")
        #expect(screen.written() == "watching · ✓ #2 100ms")
        screen.console.showInput("restart co")
        #expect(screen.written() == "\r\u{1B}[2Kwatching · ✓ #2 100ms\n› restart co")
        screen.console.write(raw: Array("[server] a line\n".utf8), from: "server")
        #expect(screen.written() == "\r\u{1B}[2K\u{1B}[A\r\u{1B}[2K[server] a line\nwatching · ✓ #2 100ms\n› restart co")
        screen.console.showInput("")
        screen.console.keepTyped("restart core")
        #expect(screen.written() == "\r\u{1B}[2K\u{1B}[A\r\u{1B}[2Kwatching · ✓ #2 100ms\r\u{1B}[2K› restart core\nwatching · ✓ #2 100ms")
        screen.console.endStatus()
        #expect(screen.written() == "\r\u{1B}[2K")
    }

    @Test("a typed line with escape sequences is shown escaped, never sent to the terminal")
    func typedControls() throws {
        let screen = try FailureOutputTests.Screen()
        screen.console.showInput("a\u{1B}[2Jb")
        #expect(screen.written() == "› a\\x1b[2Jb")
    }
}
