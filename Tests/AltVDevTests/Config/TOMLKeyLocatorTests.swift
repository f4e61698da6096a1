import Testing

@testable import AltVDev

@Suite("TOML key positions")
struct TOMLKeyLocatorTests {
    @Test("keys, values, inline tables, arrays and array tables are placed")
    func positions() {
        let source = """
            # comment with = sign
            top = 1
            [server]
            command = ["a", "b"]
              env = { A = "x", "B.C" = 'y' }
            text = \"\"\"
            [not a table]
            fake = 1
            \"\"\"
            [[stage]]
            name = "one"
            [[stage]]
            name = "two"
            [stage.env]
            X = "1"
            """
        let locator = TOMLKeyLocator(source: source)
        #expect(locator.keys["top"] == SourcePosition(line: 2, column: 1))
        #expect(locator.values["server.command"] == SourcePosition(line: 4, column: 11))
        #expect(locator.values["server.command.1"] == SourcePosition(line: 4, column: 17))
        #expect(locator.keys["server.env"] == SourcePosition(line: 5, column: 3))
        #expect(locator.values["server.env.A"] == SourcePosition(line: 5, column: 15))
        #expect(locator.keys["server.env.B.C"] == SourcePosition(line: 5, column: 20))
        #expect(locator.keys["fake"] == nil)
        #expect(locator.keys["server.fake"] == nil)
        #expect(locator.values["stage.0.name"] == SourcePosition(line: 11, column: 8))
        #expect(locator.values["stage.1.name"] == SourcePosition(line: 13, column: 8))
        #expect(locator.keys["stage.1.env.X"] == SourcePosition(line: 15, column: 1))
    }

    @Test("columns count characters, not bytes")
    func unicodeColumns() {
        let locator = TOMLKeyLocator(source: "a = \"Grüße\"\nb = 2\nc = [\"é\", 3]\n")
        #expect(locator.values["c.1"] == SourcePosition(line: 3, column: 11))
    }
}
