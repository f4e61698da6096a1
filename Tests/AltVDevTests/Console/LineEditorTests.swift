import TestSupport
import Testing

@testable import AltVDev

@Suite("The line typed at the terminal")
struct LineEditorTests {
    func feed(_ bytes: [UInt8], into editor: inout LineEditor) -> [LineEditor.Action] {
        bytes.compactMap { editor.feed($0) }
    }

    @Test("typed text, then Enter: the line once, and the text is empty again; \\r and \\n both end it")
    func submit() {
        var editor = LineEditor()
        #expect(feed(Array("restart core".utf8), into: &editor).allSatisfy { $0 == .edited })
        #expect(editor.text == "restart core")
        #expect(editor.feed(0x0D) == .submitted("restart core"))
        #expect(editor.text.isEmpty)
        #expect(feed(Array(":q\n".utf8), into: &editor).last == .submitted(":q"))
    }

    @Test("backspace takes a whole character, Ctrl+U the line, Ctrl+W the last word")
    func editing() {
        var editor = LineEditor()
        _ = feed(Array("restart café".utf8), into: &editor)
        #expect(editor.feed(0x7F) == .edited)
        #expect(editor.text == "restart caf")
        _ = feed(Array("e  ".utf8), into: &editor)
        #expect(editor.feed(0x17) == .edited)
        #expect(editor.text == "restart ")
        #expect(editor.feed(0x15) == .edited)
        #expect(editor.text.isEmpty)
        #expect(editor.feed(0x7F) == nil)
    }

    @Test("Ctrl+D ends input only on an empty line; arrow keys and other controls type nothing")
    func controls() {
        var editor = LineEditor()
        #expect(editor.feed(0x04) == .endOfInput)
        _ = feed(Array("ab".utf8), into: &editor)
        #expect(editor.feed(0x04) == nil)
        // Up, Left, F5, Home (SS3), a bell: none of it is text.
        _ = feed([0x1B, 0x5B, 0x41, 0x1B, 0x5B, 0x44, 0x1B, 0x5B, 0x31, 0x35, 0x7E, 0x1B, 0x4F, 0x48, 0x07], into: &editor)
        #expect(editor.text == "ab")
        _ = feed([0x09], into: &editor)
        #expect(editor.text == "ab ")
    }

    @Test("UTF-8 comes a byte at a time and is whole when shown; a broken byte is dropped; any bytes never crash it")
    func bytes() {
        var editor = LineEditor()
        let check = Array("✓".utf8)
        #expect(editor.feed(check[0]) == nil)
        #expect(editor.feed(check[1]) == nil)
        #expect(editor.feed(check[2]) == .edited)
        #expect(editor.text == "✓")
        #expect(editor.feed(0x80) == nil)
        #expect(editor.text == "✓")
        var random = SeededRandom(seed: 21)
        for _ in 0..<20_000 { _ = editor.feed(UInt8.random(in: 0...255, using: &random)) }
        #expect(editor.text.utf8.count <= LineEditor.limit)
    }
}
