/// A line and column in a source file, both counted from 1.
public struct SourcePosition: Equatable, Sendable {
    public var line: Int
    public var column: Int
}

/// Finds where each key and value stands in a TOML document.
///
/// TOMLKit reports positions for syntax errors only; this scanner runs after it has accepted the
/// document, so it can be lenient, and maps dotted key paths (`server.ready`, `stage.0.name`,
/// `watch.paths.1`) to the position of the key and of its value.
public struct TOMLKeyLocator: Sendable {
    public private(set) var keys: [String: SourcePosition] = [:]
    public private(set) var values: [String: SourcePosition] = [:]

    private var bytes: [UInt8]
    private var index = 0
    private var line = 1
    private var column = 1
    private var arrayTableCounts: [String: Int] = [:]

    /// Where `name` is defined; for a table only implied by a dotted name (`[a.b]` implies `a`),
    /// its first mention.
    public func firstMention(of name: String) -> SourcePosition? {
        if let position = keys[name] { return position }
        return keys.filter { $0.key.hasPrefix(name + ".") }.values.min { ($0.line, $0.column) < ($1.line, $1.column) }
    }

    public init(source: String) {
        bytes = Array(source.utf8)
        scanDocument()
        bytes = []
    }

    private var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    private func peek(_ offset: Int) -> UInt8? { index + offset < bytes.count ? bytes[index + offset] : nil }
    private var position: SourcePosition { SourcePosition(line: line, column: column) }

    private mutating func advance() {
        guard let byte = current else { return }
        index += 1
        if byte == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    private mutating func skipSpaces() {
        while let c = current, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { advance() }
    }

    private mutating func skipTrivia() {
        while let c = current {
            if c == UInt8(ascii: "#") {
                while let d = current, d != UInt8(ascii: "\n") { advance() }
            } else if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                advance()
            } else {
                return
            }
        }
    }

    private mutating func skipRestOfLine() {
        while let c = current, c != UInt8(ascii: "\n") { advance() }
    }

    private mutating func scanDocument() {
        var prefix: [String] = []
        while true {
            skipTrivia()
            guard let c = current else { return }
            if c == UInt8(ascii: "[") {
                let start = position
                let isArrayTable = peek(1) == UInt8(ascii: "[")
                advance()
                if isArrayTable { advance() }
                let written = scanDottedKey()
                // An array table's own name must not resolve to its previous element.
                let path = isArrayTable
                    ? resolveArrayTables(Array(written.dropLast())) + written.suffix(1) : resolveArrayTables(written)
                if isArrayTable {
                    let name = path.joined(separator: ".")
                    let next = arrayTableCounts[name, default: -1] + 1
                    arrayTableCounts[name] = next
                    prefix = path + [String(next)]
                } else {
                    prefix = path
                }
                record(prefix, key: start, value: start)
                skipRestOfLine()
            } else {
                let before = index
                scanKeyValue(prefix: prefix)
                if index == before { advance() }
            }
        }
    }

    /// Inserts the current index after each array-of-tables name, so `[stage.env]` lands in the last stage.
    private func resolveArrayTables(_ path: [String]) -> [String] {
        var resolved: [String] = []
        for component in path {
            resolved.append(component)
            if let count = arrayTableCounts[resolved.joined(separator: ".")] {
                resolved.append(String(count))
            }
        }
        return resolved
    }

    private mutating func record(_ path: [String], key: SourcePosition, value: SourcePosition) {
        let name = path.joined(separator: ".")
        if keys[name] == nil { keys[name] = key }
        if values[name] == nil { values[name] = value }
    }

    private mutating func scanKeyValue(prefix: [String]) {
        let keyStart = position
        let path = prefix + scanDottedKey()
        skipSpaces()
        guard current == UInt8(ascii: "=") else { skipRestOfLine(); return }
        advance()
        skipSpaces()
        record(path, key: keyStart, value: position)
        scanValue(path: path)
    }

    private mutating func scanDottedKey() -> [String] {
        var components: [String] = []
        while true {
            skipSpaces()
            guard let c = current else { break }
            if c == UInt8(ascii: "\"") || c == UInt8(ascii: "'") {
                components.append(scanString())
            } else {
                var raw: [UInt8] = []
                while let d = current, isBareKeyByte(d) {
                    raw.append(d)
                    advance()
                }
                if raw.isEmpty { break }
                components.append(String(decoding: raw, as: UTF8.self))
            }
            skipSpaces()
            if current == UInt8(ascii: ".") { advance() } else { break }
        }
        return components
    }

    private func isBareKeyByte(_ c: UInt8) -> Bool {
        (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
            || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-")
    }

    private mutating func scanValue(path: [String]) {
        guard let c = current else { return }
        switch c {
        case UInt8(ascii: "{"):
            advance()
            while true {
                skipTrivia()
                guard let d = current else { return }
                if d == UInt8(ascii: "}") { advance(); return }
                if d == UInt8(ascii: ",") { advance(); continue }
                let before = index
                scanKeyValue(prefix: path)
                if index == before { advance() }
            }
        case UInt8(ascii: "["):
            advance()
            var element = 0
            while true {
                skipTrivia()
                guard let d = current else { return }
                if d == UInt8(ascii: "]") { advance(); return }
                if d == UInt8(ascii: ",") { advance(); continue }
                let elementPath = path + [String(element)]
                record(elementPath, key: position, value: position)
                let before = index
                scanValue(path: elementPath)
                if index == before { advance() }
                element += 1
            }
        case UInt8(ascii: "\""), UInt8(ascii: "'"):
            _ = scanString()
        default:
            while let d = current, d != UInt8(ascii: ","), d != UInt8(ascii: "]"), d != UInt8(ascii: "}"),
                d != UInt8(ascii: "\n"), d != UInt8(ascii: "#")
            {
                advance()
            }
        }
    }

    /// Scans a basic, literal or multi-line string and returns its raw content (escapes kept).
    private mutating func scanString() -> String {
        guard let quote = current else { return "" }
        let isMultiline = peek(1) == quote && peek(2) == quote
        let isBasic = quote == UInt8(ascii: "\"")
        advance()
        if isMultiline { advance(); advance() }
        var content: [UInt8] = []
        while let c = current {
            if isBasic, c == UInt8(ascii: "\\") {
                content.append(c)
                advance()
                if let escaped = current { content.append(escaped); advance() }
                continue
            }
            if c == quote {
                if !isMultiline { advance(); break }
                if peek(1) == quote, peek(2) == quote {
                    advance(); advance(); advance()
                    // Up to two more quotes may close a multi-line string: they belong to its content.
                    while current == quote { content.append(quote); advance() }
                    break
                }
            }
            if !isMultiline, c == UInt8(ascii: "\n") { break }
            content.append(c)
            advance()
        }
        return String(decoding: content, as: UTF8.self)
    }
}
