import TOMLKit

/// TOMLKit's parser behind a guard: toml++ asserts (and aborts the whole process) on some
/// malformed input, e.g. a `[` with no table name after it or `[}` where a value belongs, which
/// a half-typed save produces. A small scanner finds those places first and reports them like
/// any other syntax error; everything else is left to toml++.
public enum SafeTOML {
    public struct SyntaxError: Error, Equatable, Sendable {
        public var line: Int
        public var column: Int
        public var message: String
    }

    public static func parse(_ source: String) throws(SyntaxError) -> TOMLTable {
        var scanner = Scanner(source)
        if let problem = scanner.firstProblem() { throw problem }
        do {
            return try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw SyntaxError(line: error.source.begin.line, column: error.source.begin.column, message: error.description)
        } catch {
            throw SyntaxError(line: 1, column: 1, message: "\(error)")
        }
    }

    /// Walks the document's structure (headers, keys, values, arrays, inline tables, strings)
    /// and stops at the first place where what must come next cannot start there.
    struct Scanner {
        let characters: [Character]
        var index = 0
        var line = 1
        var column = 1

        init(_ source: String) { characters = Array(source) }

        var current: Character? { index < characters.count ? characters[index] : nil }

        mutating func advance() {
            guard let character = current else { return }
            index += 1
            if character == "\n" || character == "\r\n" { line += 1; column = 1 } else { column += 1 }
        }

        func problem(_ message: String) -> SyntaxError { SyntaxError(line: line, column: column, message: message) }

        mutating func skipSpaces() { while current == " " || current == "\t" { advance() } }

        mutating func skipTrivia() {
            while let character = current {
                if character == "#" {
                    while let c = current, c != "\n", c != "\r\n" { advance() }
                } else if character == " " || character == "\t" || character == "\n" || character == "\r\n" || character == "\r" {
                    advance()
                } else {
                    return
                }
            }
        }

        mutating func skipToLineEnd() { while let c = current, c != "\n", c != "\r\n" { advance() } }

        static func isBare(_ c: Character) -> Bool {
            c == "_" || c == "-" || (c.isASCII && (c.isLetter || c.isNumber))
        }

        mutating func firstProblem() -> SyntaxError? {
            while true {
                skipTrivia()
                guard let character = current else { return nil }
                if character == "[" {
                    advance()
                    if current == "[" { advance() }
                    if let problem = key(expecting: "a table name") { return problem }
                    skipToLineEnd()
                } else {
                    if let problem = keyValue() { return problem }
                    skipToLineEnd()
                }
            }
        }

        /// A dotted key: each part must start with a bare character or a quote.
        mutating func key(expecting what: String) -> SyntaxError? {
            while true {
                skipSpaces()
                guard let c = current else { return problem("expected \(what) here") }
                if c == "\"" || c == "'" {
                    if let problem = string() { return problem }
                } else if Self.isBare(c) {
                    while let d = current, Self.isBare(d) { advance() }
                } else {
                    return problem("expected \(what) here")
                }
                skipSpaces()
                guard current == "." else { return nil }
                advance()
            }
        }

        mutating func keyValue() -> SyntaxError? {
            if let problem = key(expecting: "a key") { return problem }
            skipSpaces()
            guard current == "=" else { return nil }  // toml++ reports the missing '='
            advance()
            return value()
        }

        mutating func value() -> SyntaxError? {
            skipSpaces()
            guard let c = current else { return problem("expected a value here") }
            switch c {
            case "\"", "'":
                return string()
            case "[":
                advance()
                while true {
                    skipTrivia()
                    guard let d = current else { return problem("expected ']' here") }
                    if d == "]" { advance(); return nil }
                    if let problem = value() { return problem }
                    skipTrivia()
                    if current == "," { advance() } else if current != "]" { return nil }
                }
            case "{":
                advance()
                skipSpaces()
                if current == "}" { advance(); return nil }
                while true {
                    if let problem = keyValue() { return problem }
                    skipSpaces()
                    if current == "," { advance(); continue }
                    if current == "}" { advance() }
                    return nil
                }
            case "]", "}", ",", "=", "#", "\n", "\r\n", "\r":
                return problem("expected a value here")
            default:
                while let d = current, d != ",", d != "]", d != "}", d != "\n", d != "\r\n", d != "#" { advance() }
                return nil
            }
        }

        mutating func string() -> SyntaxError? {
            guard let quote = current else { return nil }
            let multiline = index + 2 < characters.count && characters[index + 1] == quote && characters[index + 2] == quote
            advance()
            if multiline { advance(); advance() }
            while let c = current {
                if quote == "\"", c == "\\" { advance(); advance(); continue }
                if !multiline, c == "\n" || c == "\r\n" { return nil }  // toml++ reports the open string
                if c == quote {
                    if !multiline { advance(); return nil }
                    if index + 2 < characters.count, characters[index + 1] == quote, characters[index + 2] == quote {
                        advance(); advance(); advance()
                        while current == quote { advance() }
                        return nil
                    }
                }
                advance()
            }
            return nil
        }
    }
}
