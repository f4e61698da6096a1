import Foundation
import TOML
import Testing

@Suite("TOML parser: places, errors and limits")
struct ParserTests {
    /// The node at a dotted path: table keys, and array indices as numbers.
    func node(_ table: TOMLTable, _ path: String) -> TOMLNode? {
        var current = TOMLNode(value: .table(table), range: TOMLRange(start: .init(line: 1, column: 1, offset: 0), end: .init(line: 1, column: 1, offset: 0)))
        for part in path.split(separator: ".") {
            switch current.value {
            case .table(let inner): guard let next = inner[String(part)] else { return nil }; current = next
            case .array(let elements): guard let index = Int(part), elements.indices.contains(index) else { return nil }; current = elements[index]
            default: return nil
            }
        }
        return current
    }

    func place(_ position: TOMLPosition?) -> String { position.map { "\($0.line):\($0.column)" } ?? "none" }

    @Test("keys, values, inline tables, arrays and arrays of tables keep their places")
    func positions() throws {
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
        let table = try TOMLParser.parse(source)
        #expect(place(node(table, "top")?.keyRange?.start) == "2:1")
        #expect(place(node(table, "server.command")?.range.start) == "4:11")
        #expect(place(node(table, "server.command.1")?.range.start) == "4:17")
        #expect(place(node(table, "server.env")?.keyRange?.start) == "5:3")
        #expect(place(node(table, "server.env.A")?.range.start) == "5:15")
        #expect(place(node(table, "server.env")?.value.table?["B.C"]?.keyRange?.start) == "5:20")
        #expect(node(table, "server.text")?.value.string == "[not a table]\nfake = 1\n")
        #expect(node(table, "fake") == nil && node(table, "server.fake") == nil)
        #expect(place(node(table, "stage.0.name")?.range.start) == "11:8")
        #expect(place(node(table, "stage.1.name")?.range.start) == "13:8")
        #expect(place(node(table, "stage.1")?.range.start) == "12:1")
        #expect(place(node(table, "stage.1.env.X")?.keyRange?.start) == "15:1")
        #expect(table.keys == ["top", "server", "stage"])
    }

    @Test("columns count characters, not bytes; offsets count bytes")
    func unicodeColumns() throws {
        let table = try TOMLParser.parse("a = \"Grüße\"\nb = 2\nc = [\"é\", 3]\n")
        let third = try #require(node(table, "c.1"))
        #expect(place(third.range.start) == "3:11")
        #expect(third.range.start.offset == "a = \"Grüße\"\nb = 2\nc = [\"é\", ".utf8.count)
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let source: String
        let line: Int
        let column: Int
        let message: String
        let fix: String?
        var testDescription: String { source.debugDescription }
    }

    @Test("mistakes are placed, described and, where it is clear, given a fix", arguments: [
        // Half-typed dates and times, which aborted toml++.
        BadCase(source: "when = 1987-07-05T-17:45:00\n", line: 1, column: 8, message: "1987-07-05T-17:45:00 is not a valid date or date-time", fix: "date-time like"),
        BadCase(source: "dt = 1979-05-27T'''07:32:12-07:00\n", line: 1, column: 6, message: "1979-05-27T is not a valid date or date-time", fix: "date-time like"),
        BadCase(source: "d = 1979-02-30\n", line: 1, column: 5, message: "not a valid date", fix: nil),
        BadCase(source: "t = 25:00:00\n", line: 1, column: 5, message: "25:00:00 is not a valid time", fix: nil),
        BadCase(source: "t = 07:32\n", line: 1, column: 5, message: "07:32 is not a valid time", fix: nil),
        // Strings.
        BadCase(source: "a = \"open\nb = 1\n", line: 1, column: 5, message: "the string opened at 1:5 is not closed on its line", fix: "close it with \""),
        BadCase(source: "a = 'open\n", line: 1, column: 5, message: "is not closed on its line", fix: "close it with '"),
        BadCase(source: "a = \"\"\"never closed\n", line: 1, column: 5, message: "the string opened at 1:5 is not closed", fix: "close it with \"\"\""),
        BadCase(source: "a = \"bad \\q escape\"\n", line: 1, column: 10, message: "\\q is not an escape TOML knows", fix: "\\\\"),
        BadCase(source: "a = \"\\uD800\"\n", line: 1, column: 6, message: "names no Unicode character", fix: nil),
        BadCase(source: "a = \"tab\u{1}\"\n", line: 1, column: 9, message: "control character U+0001 in a string", fix: "\\u0001"),
        BadCase(source: "a = \"\0\"\n", line: 1, column: 6, message: "control character U+0000", fix: nil),
        // Values and keys.
        BadCase(source: "a =\nb = 1\n", line: 1, column: 4, message: "expected a value after =, found the end of the line", fix: "write a value"),
        BadCase(source: "a = ", line: 1, column: 5, message: "expected a value after =, found the end of the file", fix: nil),
        BadCase(source: "ready = Server started\n", line: 1, column: 9, message: "the bare word Server", fix: "put text in quotes: \"Server\""),
        BadCase(source: "a = 1\na = 2\n", line: 2, column: 1, message: "a is defined twice (first on line 1)", fix: "keep one of them"),
        BadCase(source: "name\n", line: 1, column: 5, message: "expected = after the key name", fix: "write name = value"),
        BadCase(source: "a = 1 2\n", line: 1, column: 7, message: "expected the end of the line after the value, found \"2\"", fix: nil),
        BadCase(source: "n = 0123\n", line: 1, column: 5, message: "0123 is not a valid number", fix: nil),
        BadCase(source: "n = 9223372036854775808\n", line: 1, column: 5, message: "is not a valid number", fix: nil),
        // Headers, arrays and inline tables (the inputs that made toml++ abort among them).
        BadCase(source: "[\n", line: 1, column: 2, message: "expected a key, found the end of the line", fix: nil),
        BadCase(source: "a = 1\n  [[ \n", line: 2, column: 6, message: "expected a key", fix: nil),
        BadCase(source: "[server.]\n", line: 1, column: 9, message: "expected a key after the dot", fix: nil),
        BadCase(source: "ignore = [}\"]\n", line: 1, column: 11, message: "expected a value, found \"}\"", fix: nil),
        BadCase(source: "a = [1, ,]\n", line: 1, column: 9, message: "expected a value, found \",\"", fix: nil),
        BadCase(source: "a = { b = }\n", line: 1, column: 11, message: "expected a value, found \"}\"", fix: nil),
        BadCase(source: "a = [1, 2\nb = 3\n", line: 2, column: 1, message: "expected , or ] in the array", fix: nil),
        BadCase(source: "a = { b = 1,\n c = 2 }\n", line: 1, column: 13, message: "must be on one line", fix: nil),
        BadCase(source: "[a]\n[a]\n", line: 2, column: 2, message: "[a] is defined twice", fix: "merge"),
        BadCase(source: "a = { b = 1 }\n[a.c]\n", line: 2, column: 2, message: "a is an inline table", fix: nil),
        BadCase(source: "[a.b]\n[a]\nb.c = 1\n", line: 3, column: 1, message: "b is a table defined by a [header]", fix: nil),
        BadCase(source: "a = [1]\n[[a]]\n", line: 2, column: 3, message: "an array written as a value cannot be extended", fix: nil),
        BadCase(source: "x = 1\r\ny = 2\rz = 3\n", line: 2, column: 6, message: "a carriage return must be followed by a line feed", fix: nil),
    ])
    func mistakes(_ bad: BadCase) {
        do {
            let table = try TOMLParser.parse(bad.source)
            Issue.record("accepted: \(table.keys)")
        } catch {
            #expect(error.line == bad.line && error.column == bad.column, "\(error)")
            #expect(error.message.contains(bad.message), "\(error)")
            if let fix = bad.fix { #expect(error.fix?.contains(fix) == true, "\(error)") }
        }
    }

    @Test("bytes that are not UTF-8 are refused at their place")
    func invalidUTF8() {
        #expect(throws: TOMLError(position: .init(line: 2, column: 6, offset: 11), message: "the file is not valid UTF-8 here", fix: "save the file as UTF-8")) {
            try TOMLParser.parse(bytes: Array("a = 1\nb = \"".utf8) + [0xFF, 0x22, 0x0A])
        }
    }

    @Test("valid documents with brackets at line starts still parse", arguments: [
        "x = [\n  [\n    1\n  ],\n  [2]\n]\n[t]\ny = 1\n",
        "s = '''\n[not a header\n'''\n[t]\n",
        "[ \"quoted.name\" . sub ]\nk = 1\n",
        "[[stage]]\nname = \"a\"\n[[stage]]\nname = \"b\"\n",
    ])
    func validDocuments(_ source: String) throws {
        _ = try TOMLParser.parse(source)
    }

    @Test("10,000 nested brackets and braces are refused quickly; a 1 MB line is read quickly")
    func limits() throws {
        let started = ContinuousClock.now
        for open in ["[", "{ a = "] {
            let deep = "a = " + String(repeating: open, count: 10_000)
            #expect(throws: TOMLError.self) { try TOMLParser.parse(deep) }
        }
        #expect(throws: TOMLError.self) { try TOMLParser.parse("[" + Array(repeating: "a", count: 10_000).joined(separator: ".") + "]") }
        #expect(throws: TOMLError.self) { try TOMLParser.parse(Array(repeating: "a", count: 10_000).joined(separator: ".") + " = 1") }
        let long = "a = \"" + String(repeating: "x", count: 1 << 20) + "\"\nb = [" + Array(repeating: "1", count: 100_000).joined(separator: ",") + "]\n"
        let table = try TOMLParser.parse(long)
        #expect(table["a"]?.value.string?.count == 1 << 20 && table["b"]?.value.array?.count == 100_000)
        // Generous: a hang or a quadratic walk would take minutes, not seconds.
        #expect(ContinuousClock.now - started < .seconds(20))
    }
}
