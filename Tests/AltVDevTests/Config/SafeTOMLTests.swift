import Testing

@testable import AltVDev

@Suite("TOML parsing behind the guard")
struct SafeTOMLTests {
    @Test("headers without a name are syntax errors, not an abort in toml++", arguments: [
        ("[\n", 1, 2), ("[\n\n[watch]\n", 1, 2), ("a = 1\n  [[ \n", 2, 6), ("[server.]\n", 1, 9), ("[ . ]\n", 1, 3),
    ])
    func badHeaders(_ source: String, _ line: Int, _ column: Int) {
        #expect(throws: SafeTOML.SyntaxError(line: line, column: column, message: "expected a table name here")) {
            try SafeTOML.parse(source)
        }
    }

    @Test("a value that cannot start where one must is a syntax error", arguments: [
        ("ignore = [}\"]\n", 1, 11), ("a = \n", 1, 5), ("a = [1, ,]\n", 1, 9), ("a = { b = }\n", 1, 11),
    ])
    func badValues(_ source: String, _ line: Int, _ column: Int) {
        #expect(throws: SafeTOML.SyntaxError(line: line, column: column, message: "expected a value here")) {
            try SafeTOML.parse(source)
        }
    }

    @Test("valid documents with brackets at line starts still parse", arguments: [
        "x = [\n  [\n    1\n  ],\n  [2]\n]\n[t]\ny = 1\n",
        "s = '''\n[not a header\n'''\n[t]\n",
        "[ \"quoted.name\" . sub ]\nk = 1\n",
        "[[stage]]\nname = \"a\"\n[[stage]]\nname = \"b\"\n",
    ])
    func validDocuments(_ source: String) throws {
        _ = try SafeTOML.parse(source)
    }
}
