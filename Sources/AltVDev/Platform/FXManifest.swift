/// `fxmanifest.lua` (or `__resource.lua`) read as data, never run: the subset resources use, a
/// directive and its string arguments — `fx_version 'cerulean'`, `server_scripts { 'a.lua', 'b.lua' }`,
/// `dependency('ox_lib')`, `data_file 'X' 'y.meta'` — with `--` and `--[[ ]]` comments and long
/// strings. Any other Lua (a `local`, an `if`) is a problem at its place and the reader goes on at
/// the next line: a manifest it cannot read whole still names what it could, and never traps.
public struct FXManifest: Equatable, Sendable {
    public struct Entry: Equatable, Sendable {
        public var directive: String
        public var values: [String]
        /// 1-based, where the directive's name starts; the column counts bytes.
        public var line: Int
        public var column: Int
    }

    public struct Problem: Equatable, Sendable, CustomStringConvertible {
        public var line: Int
        public var column: Int
        public var message: String
        public var description: String { "\(line):\(column): \(message)" }
    }

    public var entries: [Entry] = []
    public var problems: [Problem] = []

    /// Every value of these directives, in the order written.
    public func values(_ directives: String...) -> [String] {
        entries.filter { directives.contains($0.directive) }.flatMap(\.values)
    }

    /// The resources named by `dependency`/`dependencies`; constraints (`/server:5848`, `/onesync`) are no resource.
    public var dependencies: [String] { values("dependency", "dependencies").filter { !$0.hasPrefix("/") } }

    /// The script files the server and the clients load, as written (globs included).
    public var scripts: [String] {
        values("server_script", "server_scripts", "client_script", "client_scripts", "shared_script", "shared_scripts")
    }

    public static func parse(_ bytes: [UInt8]) -> FXManifest {
        var reader = FXManifestReader(bytes)
        return reader.read()
    }
}

/// The scanner behind `FXManifest.parse`: one pass over the bytes, every read bounds-checked.
struct FXManifestReader {
    private let bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var lineStart = 0
    private var manifest = FXManifest()
    /// The last `readString` began a string and could not end it (said as a problem).
    private var stringFailed = false

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
    private var column: Int { index - lineStart + 1 }

    private mutating func advance() {
        if current == UInt8(ascii: "\n") { (line, lineStart) = (line + 1, index + 1) }
        index += 1
    }

    mutating func read() -> FXManifest {
        while true {
            skipBlanksAndComments()
            guard let byte = current else { return manifest }
            guard Self.startsName(byte) else {
                problem("expected a directive such as fx_version 'cerulean', found \(Self.shown(byte))")
                skipLine()
                continue
            }
            let (entryLine, entryColumn) = (line, column)
            let name = readName()
            if ["local", "if", "for", "while", "function", "return", "do", "repeat"].contains(name) || current == UInt8(ascii: "=") {
                problem(at: entryLine, entryColumn, "Lua code (\(name)) is not read; only directives with string arguments are")
                skipLine()
                continue
            }
            var values: [String] = []
            let failedOnLine = line
            if readArguments(into: &values, directive: name) {
                manifest.entries.append(.init(directive: name, values: values, line: entryLine, column: entryColumn))
            } else if line == failedOnLine {
                skipLine()
            }
        }
    }

    /// One or more arguments: `'x'`, `{ … }`, `('x')`, chained (`data_file 'A' 'b'`). False after a problem.
    private mutating func readArguments(into values: inout [String], directive: String) -> Bool {
        var count = 0
        let (endLine, endColumn) = (line, column)
        while true {
            skipBlanksAndComments(stoppingAtNewline: count > 0)
            guard let byte = current else { break }
            // Lua lets the argument start on the next line; anything else there is the next directive.
            if count == 0, line != endLine, byte != UInt8(ascii: "("), !Self.opensValue(byte, next: peek(1)) {
                problem(at: endLine, endColumn, "\(directive) has no value: expected a string or { … } after it")
                return false
            }
            if byte == UInt8(ascii: "(") {
                advance()
                skipBlanksAndComments()
                if current != UInt8(ascii: ")") { guard readValue(into: &values) else { return false } }
                skipBlanksAndComments()
                guard current == UInt8(ascii: ")") else { return fail("expected ) to close the arguments") }
                advance()
            } else if Self.opensValue(byte, next: peek(1)) {
                guard readValue(into: &values) else { return false }
            } else {
                break
            }
            count += 1
        }
        if count == 0 { problem(at: endLine, endColumn, "\(directive) has no value: expected a string or { … } after it") }
        return count > 0
    }

    /// A string, or a table of strings (keys and nested tables tolerated, their strings kept).
    private mutating func readValue(into values: inout [String], depth: Int = 0) -> Bool {
        guard depth < 20 else { return fail("tables nested more than 20 deep") }
        stringFailed = false
        if let text = readString() { values.append(text); return true }
        if stringFailed { return false }
        guard current == UInt8(ascii: "{") else {
            if let byte = current, Self.startsName(byte) {
                let name = readName()
                return fail("\(name) is a Lua name, not a string: only quoted values are read")
            }
            return fail("expected a string or { … }" + (current.map { ", found \(Self.shown($0))" } ?? ", found the end of the file"))
        }
        advance()
        while true {
            skipBlanksAndComments()
            guard let byte = current else { return fail("{ is not closed") }
            if byte == UInt8(ascii: "}") { advance(); return true }
            if byte == UInt8(ascii: ",") || byte == UInt8(ascii: ";") { advance(); continue }
            if Self.startsName(byte) {
                let (nameLine, nameColumn) = (line, column)
                let name = readName()
                skipBlanksAndComments()
                guard current == UInt8(ascii: "=") else {
                    problem(at: nameLine, nameColumn, "\(name) is a Lua name, not a string: only quoted values are read (is every { closed?)")
                    return false
                }
                advance()
                skipBlanksAndComments()
            } else if byte == UInt8(ascii: "[") && peek(1) != UInt8(ascii: "[") && peek(1) != UInt8(ascii: "=") {
                advance()
                skipBlanksAndComments()
                var ignored: [String] = []
                guard readValue(into: &ignored, depth: depth + 1) else { return false }
                skipBlanksAndComments()
                guard current == UInt8(ascii: "]") else { return fail("expected ] after the key") }
                advance()
                skipBlanksAndComments()
                guard current == UInt8(ascii: "=") else { return fail("expected = after a key in the table") }
                advance()
                skipBlanksAndComments()
            }
            guard readValue(into: &values, depth: depth + 1) else { return false }
        }
    }

    /// A quoted or long string at the cursor; nil (cursor unmoved) when none starts here, or after a problem.
    private mutating func readString() -> String? {
        guard let quote = current else { return nil }
        if quote == UInt8(ascii: "'") || quote == UInt8(ascii: "\"") { return readQuoted(quote) }
        if quote == UInt8(ascii: "["), let level = longBracketLevel() { return readLong(level: level, what: "string") }
        return nil
    }

    private mutating func readQuoted(_ quote: UInt8) -> String? {
        let (startLine, startColumn) = (line, column)
        advance()
        var text: [UInt8] = []
        while let byte = current {
            if byte == quote { advance(); return String(decoding: text, as: UTF8.self) }
            if byte == UInt8(ascii: "\n") { break }
            if byte == UInt8(ascii: "\\"), let next = peek(1) {
                let escapes: [UInt8: UInt8] = [UInt8(ascii: "n"): 0x0A, UInt8(ascii: "t"): 0x09, UInt8(ascii: "r"): 0x0D]
                text.append(escapes[next] ?? next)
                advance()
                advance()
                continue
            }
            text.append(byte)
            advance()
        }
        problem(at: startLine, startColumn, "the string is not closed on its line")
        stringFailed = true
        return nil
    }

    /// `[[`, `[==[`: the number of `=`, the cursor still on the first `[`.
    private func longBracketLevel() -> Int? {
        var offset = 1
        while peek(offset) == UInt8(ascii: "=") { offset += 1 }
        return peek(offset) == UInt8(ascii: "[") ? offset - 1 : nil
    }

    private mutating func readLong(level: Int, what: String) -> String? {
        let (startLine, startColumn) = (line, column)
        for _ in 0..<(level + 2) { advance() }
        if current == UInt8(ascii: "\n") { advance() }
        let start = index
        while let byte = current {
            if byte == UInt8(ascii: "]"), (1...level + 1).allSatisfy({ peek($0) == ($0 == level + 1 ? UInt8(ascii: "]") : UInt8(ascii: "=")) }) {
                let text = String(decoding: bytes[start..<index], as: UTF8.self)
                for _ in 0..<(level + 2) { advance() }
                return text
            }
            advance()
        }
        problem(at: startLine, startColumn, "the long \(what) is not closed")
        stringFailed = true
        return nil
    }

    private mutating func skipBlanksAndComments(stoppingAtNewline: Bool = false) {
        while let byte = current {
            if byte == UInt8(ascii: "\n"), stoppingAtNewline { return }
            if byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A || byte == 0x0C || byte == 0x0B {
                advance()
            } else if byte == UInt8(ascii: "-"), peek(1) == UInt8(ascii: "-") {
                advance()
                advance()
                if current == UInt8(ascii: "["), let level = longBracketLevel() {
                    _ = readLong(level: level, what: "comment")
                } else {
                    while let next = current, next != UInt8(ascii: "\n") { advance() }
                }
            } else {
                return
            }
        }
    }

    private mutating func skipLine() {
        while let byte = current, byte != UInt8(ascii: "\n") { advance() }
    }

    private mutating func readName() -> String {
        let start = index
        while let byte = current, Self.startsName(byte) || (byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")) || byte == UInt8(ascii: ".") { advance() }
        return String(decoding: bytes[start..<index], as: UTF8.self)
    }

    private mutating func fail(_ message: String) -> Bool {
        problem(message)
        return false
    }

    private mutating func problem(_ message: String) { problem(at: line, column, message) }

    private mutating func problem(at line: Int, _ column: Int, _ message: String) {
        // One problem a line: what follows a bad token on it is not worth a second.
        guard manifest.problems.last?.line != line else { return }
        manifest.problems.append(.init(line: line, column: column, message: message))
    }

    private static func startsName(_ byte: UInt8) -> Bool {
        (byte >= UInt8(ascii: "a") && byte <= UInt8(ascii: "z")) || (byte >= UInt8(ascii: "A") && byte <= UInt8(ascii: "Z")) || byte == UInt8(ascii: "_")
    }

    private static func opensValue(_ byte: UInt8, next: UInt8?) -> Bool {
        byte == UInt8(ascii: "'") || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "{")
            || (byte == UInt8(ascii: "[") && (next == UInt8(ascii: "[") || next == UInt8(ascii: "=")))
    }

    private static func shown(_ byte: UInt8) -> String {
        byte >= 0x21 && byte < 0x7F ? "'\(Character(UnicodeScalar(byte)))'" : RawBytes.hexEscape(UInt32(byte))
    }
}
