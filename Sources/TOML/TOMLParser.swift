/// Parses TOML 1.0 into a table of nodes that keep their places, or throws the first problem
/// with its place. Reads bytes with bounds checks only: no input can trap it, and nesting is
/// limited so no input can exhaust the stack.
public enum TOMLParser {
    /// Arrays and inline tables nested deeper than this are refused, as are tables nested deeper.
    public static let maximumDepth = 100

    public static func parse(_ source: String) throws(TOMLError) -> TOMLTable {
        try parse(bytes: Array(source.utf8))
    }

    public static func parse(bytes: [UInt8]) throws(TOMLError) -> TOMLTable {
        var reader = Reader(bytes)
        try reader.validateUTF8()
        var document = Document()
        try document.read(&reader)
        return document.root.finished()
    }
}

// MARK: - Reading bytes with a position

/// The cursor over the source: bounds-checked reads that keep line, column and offset.
struct Reader {
    let bytes: [UInt8]
    private(set) var index = 0
    private(set) var line = 1
    private(set) var column = 1

    init(_ bytes: [UInt8]) { self.bytes = bytes }

    var position: TOMLPosition { TOMLPosition(line: line, column: column, offset: index) }
    var current: UInt8? { index < bytes.count ? bytes[index] : nil }
    var atEnd: Bool { index >= bytes.count }

    func peek(_ offset: Int) -> UInt8? {
        let at = index + offset
        return at >= 0 && at < bytes.count ? bytes[at] : nil
    }

    func next(is text: StaticString) -> Bool {
        let count = text.utf8CodeUnitCount
        guard index + count <= bytes.count else { return false }
        return text.withUTF8Buffer { expected in
            for k in 0..<count where bytes[index + k] != expected[k] { return false }
            return true
        }
    }

    mutating func advance() {
        guard index < bytes.count else { return }
        let byte = bytes[index]
        index += 1
        if byte == 0x0A {
            line += 1
            column = 1
        } else if byte & 0xC0 != 0x80 {
            column += 1
        }
    }

    mutating func advance(_ count: Int) { for _ in 0..<count { advance() } }

    func error(_ message: String, fix: String? = nil, at place: TOMLPosition? = nil) -> TOMLError {
        TOMLError(position: place ?? position, message: message, fix: fix)
    }

    /// Spaces and tabs.
    mutating func skipBlanks() {
        while let byte = current, byte == 0x20 || byte == 0x09 { advance() }
    }

    /// A line feed or CR LF; a lone CR is an error.
    mutating func takeNewline() throws(TOMLError) -> Bool {
        if current == 0x0A {
            advance()
            return true
        }
        if current == 0x0D {
            guard peek(1) == 0x0A else { throw error("a carriage return must be followed by a line feed", fix: "save the file with LF or CRLF line endings") }
            advance(2)
            return true
        }
        return false
    }

    /// `# …` up to the end of the line; control characters other than tab are refused.
    mutating func skipComment() throws(TOMLError) {
        guard current == UInt8(ascii: "#") else { return }
        advance()
        while let byte = current, byte != 0x0A {
            if byte == 0x0D && peek(1) == 0x0A { return }
            if Reader.isControl(byte) {
                throw error("control character \(Reader.codePoint(byte)) in a comment", fix: "remove it")
            }
            advance()
        }
    }

    /// Blanks, comments and newlines, as between the elements of an array.
    mutating func skipBlanksCommentsAndNewlines() throws(TOMLError) {
        while true {
            skipBlanks()
            try skipComment()
            if try !takeNewline() { return }
        }
    }

    /// After a key/value pair or a header: blanks, an optional comment, then the end of the line.
    mutating func expectLineEnd(after what: String) throws(TOMLError) {
        skipBlanks()
        try skipComment()
        if atEnd { return }
        if try takeNewline() { return }
        throw error(
            "expected the end of the line after \(what), found \(describeCurrent())",
            fix: "put each key = value and each [table] on its own line")
    }

    /// Control characters TOML refuses outside escapes: U+0000–U+001F but tab, and U+007F.
    static func isControl(_ byte: UInt8) -> Bool { (byte < 0x20 && byte != 0x09) || byte == 0x7F }

    static func codePoint(_ byte: UInt8) -> String {
        let hex = String(byte, radix: 16, uppercase: true)
        return "U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// The character at the cursor, for messages.
    func describeCurrent() -> String {
        guard let byte = current else { return "the end of the file" }
        if byte == 0x0A || byte == 0x0D { return "the end of the line" }
        if Reader.isControl(byte) { return "control character \(Reader.codePoint(byte))" }
        var end = index + 1
        while end < bytes.count, bytes[end] & 0xC0 == 0x80 { end += 1 }
        return "\"" + String(decoding: bytes[index..<end], as: UTF8.self) + "\""
    }

    /// Refuses bytes that are not UTF-8, naming the first bad one's place. A leading BOM is skipped.
    mutating func validateUTF8() throws(TOMLError) {
        var line = 1, column = 1, i = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            var length = 0
            var minimum: UInt32 = 0
            var scalar: UInt32 = 0
            switch byte {
            case 0x00...0x7F: length = 1
            case 0xC2...0xDF: length = 2; minimum = 0x80; scalar = UInt32(byte & 0x1F)
            case 0xE0...0xEF: length = 3; minimum = 0x800; scalar = UInt32(byte & 0x0F)
            case 0xF0...0xF4: length = 4; minimum = 0x10000; scalar = UInt32(byte & 0x07)
            default: length = 0
            }
            var valid = length > 0 && i + length <= n
            if valid && length > 1 {
                for k in 1..<length {
                    let continuation = bytes[i + k]
                    if continuation & 0xC0 != 0x80 { valid = false; break }
                    scalar = scalar << 6 | UInt32(continuation & 0x3F)
                }
                if valid && (scalar < minimum || scalar > 0x10FFFF || (0xD800...0xDFFF).contains(scalar)) { valid = false }
            }
            guard valid else {
                throw TOMLError(
                    position: TOMLPosition(line: line, column: column, offset: i), message: "the file is not valid UTF-8 here",
                    fix: "save the file as UTF-8")
            }
            if byte == 0x0A {
                line += 1
                column = 1
            } else {
                column += 1
            }
            i += length
        }
        if next(is: "\u{FEFF}") { advance(3) }
    }
}

// MARK: - Building the document

/// How a table came to exist; it decides what may extend it later (TOML 1.0's table rules).
enum TableOrigin {
    /// Named by a `[header]` or `[[header]]`.
    case header
    /// Only implied by a longer header (`[a.b]` implies `a`); a header may still define it once.
    case implicit
    /// Created by a dotted key (`a.b = 1` creates `a`).
    case dotted
    /// `{ … }`: complete as written.
    case inline
}

/// A table while the document is read: a reference, so headers can reopen sub-tables.
final class TableBuilder {
    var keys: [String] = []
    var entries: [String: Entry] = [:]
    var origin: TableOrigin
    let depth: Int
    var range: TOMLRange
    var keyRange: TOMLRange?
    /// Set once an inline table is closed: nothing may add to it or to the tables inside it.
    var frozen = false

    enum Entry {
        case table(TableBuilder)
        case tableArray(TableArrayBuilder)
        case value(TOMLNode)
    }

    init(origin: TableOrigin, depth: Int, range: TOMLRange, keyRange: TOMLRange?) {
        self.origin = origin
        self.depth = depth
        self.range = range
        self.keyRange = keyRange
    }

    func add(_ key: String, _ entry: Entry) {
        if entries.updateValue(entry, forKey: key) == nil { keys.append(key) }
    }

    func freeze() {
        frozen = true
        for entry in entries.values {
            if case .table(let table) = entry { table.freeze() }
        }
    }

    func finished() -> TOMLTable {
        var table = TOMLTable()
        for key in keys {
            guard let entry = entries[key] else { continue }
            switch entry {
            case .value(let node): table.set(key, node)
            case .table(let child): table.set(key, child.node())
            case .tableArray(let array):
                table.set(key, TOMLNode(value: .array(array.tables.map { $0.node() }), range: array.range, keyRange: array.keyRange))
            }
        }
        return table
    }

    func node() -> TOMLNode { TOMLNode(value: .table(finished()), range: range, keyRange: keyRange) }
}

/// `[[name]]` tables, in order.
final class TableArrayBuilder {
    var tables: [TableBuilder]
    let range: TOMLRange
    let keyRange: TOMLRange?

    init(first: TableBuilder, range: TOMLRange, keyRange: TOMLRange?) {
        tables = [first]
        self.range = range
        self.keyRange = keyRange
    }
}

/// One part of a dotted key, with its place.
struct KeyPart {
    var name: String
    var range: TOMLRange
}

struct Document {
    let root = TableBuilder(
        origin: .header, depth: 0, range: TOMLRange(start: TOMLPosition(line: 1, column: 1, offset: 0), end: TOMLPosition(line: 1, column: 1, offset: 0)),
        keyRange: nil)
    private var current: TableBuilder

    init() { current = root }

    mutating func read(_ reader: inout Reader) throws(TOMLError) {
        while true {
            reader.skipBlanks()
            guard let byte = reader.current else { return }
            if byte == UInt8(ascii: "#") {
                try reader.skipComment()
                try reader.expectLineEnd(after: "a comment")
            } else if byte == 0x0A || byte == 0x0D {
                _ = try reader.takeNewline()
            } else if byte == UInt8(ascii: "[") {
                try readHeader(&reader)
            } else {
                var values = ValueReader()
                try values.readKeyValue(&reader, into: current, depth: 0)
                try reader.expectLineEnd(after: "the value")
            }
        }
    }

    /// `[a.b]` or `[[a.b]]`, then makes that table current.
    private mutating func readHeader(_ reader: inout Reader) throws(TOMLError) {
        let start = reader.position
        let isArray = reader.peek(1) == UInt8(ascii: "[")
        reader.advance(isArray ? 2 : 1)
        reader.skipBlanks()
        let parts = try KeyReader.read(&reader)
        reader.skipBlanks()
        let close: StaticString = isArray ? "]]" : "]"
        guard reader.next(is: close) else {
            throw reader.error(
                "expected \(close) to close the \(isArray ? "[[array of tables]]" : "[table]") header, found \(reader.describeCurrent())",
                fix: isArray ? "write it as [[name]]" : "write it as [name]; quote names with spaces or dots: [\"my name\"]")
        }
        reader.advance(isArray ? 2 : 1)
        let range = TOMLRange(start: start, end: reader.position)
        try reader.expectLineEnd(after: "the header")

        var table = root
        for part in parts.dropLast() {
            table = try Self.descend(into: table, part, reader: reader)
        }
        guard let last = parts.last else { return }
        let name = parts.map(\.name).joined(separator: ".")
        if table.depth + 1 > TOMLParser.maximumDepth {
            throw reader.error("tables are nested more than \(TOMLParser.maximumDepth) deep", at: last.range.start)
        }
        current = isArray
            ? try Self.openTableArray(in: table, last, name: name, range: range, reader: reader)
            : try Self.openTable(in: table, last, name: name, range: range, reader: reader)
    }

    /// `[[name]]`: a new table at the end of the array of tables `last` names in `table`.
    private static func openTableArray(
        in table: TableBuilder, _ last: KeyPart, name: String, range: TOMLRange, reader: Reader
    ) throws(TOMLError) -> TableBuilder {
        switch table.entries[last.name] {
        case nil:
            let first = TableBuilder(origin: .header, depth: table.depth + 1, range: range, keyRange: range)
            table.add(last.name, .tableArray(TableArrayBuilder(first: first, range: range, keyRange: range)))
            return first
        case .tableArray(let array):
            let next = TableBuilder(origin: .header, depth: table.depth + 1, range: range, keyRange: range)
            array.tables.append(next)
            return next
        case .table(let existing):
            throw reader.error(
                "[[\(name)]]: \(name) is already a table (line \(existing.range.start.line)), not an array of tables",
                fix: "use [\(name)] for one table, or [[\(name)]] everywhere", at: last.range.start)
        case .value(let node):
            throw reader.error(
                "[[\(name)]]: \(name) is already \(node.value.typeName) (line \(node.range.start.line)); an array written as a value cannot be extended",
                fix: "remove one of them", at: last.range.start)
        }
    }

    /// `[name]`: the table `last` names in `table`, defined here (a table only implied so far may be).
    private static func openTable(
        in table: TableBuilder, _ last: KeyPart, name: String, range: TOMLRange, reader: Reader
    ) throws(TOMLError) -> TableBuilder {
        switch table.entries[last.name] {
        case nil:
            let created = TableBuilder(origin: .header, depth: table.depth + 1, range: range, keyRange: range)
            table.add(last.name, .table(created))
            return created
        case .table(let existing) where existing.origin == .implicit:
            existing.origin = .header
            existing.range = range
            existing.keyRange = range
            return existing
        case .table(let existing):
            let how = existing.origin == .dotted ? "by dotted keys" : existing.origin == .inline ? "as an inline table" : "by a header"
            throw reader.error(
                "[\(name)] is defined twice: it was already defined \(how) on line \(existing.range.start.line)",
                fix: "merge the two into one [\(name)] section", at: last.range.start)
        case .tableArray(let array):
            throw reader.error(
                "[\(name)]: \(name) is already an array of tables ([[\(name)]], line \(array.range.start.line))",
                fix: "write [[\(name)]] to add another table to it", at: last.range.start)
        case .value(let node):
            throw reader.error(
                "[\(name)]: \(name) is already \(node.value.typeName) (line \(node.range.start.line))",
                fix: "rename the table or the key", at: last.range.start)
        }
    }

    /// Walks one part of a header's name, creating implied tables; arrays of tables lead to their last table.
    private static func descend(into table: TableBuilder, _ part: KeyPart, reader: Reader) throws(TOMLError) -> TableBuilder {
        switch table.entries[part.name] {
        case nil:
            if table.depth + 1 > TOMLParser.maximumDepth {
                throw reader.error("tables are nested more than \(TOMLParser.maximumDepth) deep", at: part.range.start)
            }
            let created = TableBuilder(origin: .implicit, depth: table.depth + 1, range: part.range, keyRange: part.range)
            table.add(part.name, .table(created))
            return created
        case .table(let existing):
            if existing.frozen {
                throw reader.error(
                    "\(part.name) is an inline table (line \(existing.range.start.line)); nothing can be added to it later",
                    fix: "write everything inside its { }, or make it a [table]", at: part.range.start)
            }
            return existing
        case .tableArray(let array):
            return array.tables[array.tables.count - 1]
        case .value(let node):
            throw reader.error(
                "\(part.name) is already \(node.value.typeName) (line \(node.range.start.line)), not a table",
                fix: "rename the table or the key", at: part.range.start)
        }
    }
}

// MARK: - Keys

enum KeyReader {
    /// A bare, quoted or dotted key: one or more parts.
    static func read(_ reader: inout Reader) throws(TOMLError) -> [KeyPart] {
        var parts: [KeyPart] = []
        while true {
            reader.skipBlanks()
            let start = reader.position
            let name: String
            switch reader.current {
            case UInt8(ascii: "\""):
                if reader.next(is: "\"\"\"") {
                    throw reader.error("a key cannot be a multi-line string", fix: "use \"name\" or 'name'")
                }
                name = try StringReader.basic(&reader)
            case UInt8(ascii: "'"):
                if reader.next(is: "'''") {
                    throw reader.error("a key cannot be a multi-line string", fix: "use \"name\" or 'name'")
                }
                name = try StringReader.literal(&reader)
            case let byte? where isBare(byte):
                var bytes: [UInt8] = []
                while let byte = reader.current, isBare(byte) {
                    bytes.append(byte)
                    reader.advance()
                }
                name = String(decoding: bytes, as: UTF8.self)
            default:
                let found = reader.describeCurrent()
                throw reader.error(
                    parts.isEmpty ? "expected a key, found \(found)" : "expected a key after the dot, found \(found)",
                    fix: "keys are letters, digits, _ and -, or quoted: \"my key\"")
            }
            parts.append(KeyPart(name: name, range: TOMLRange(start: start, end: reader.position)))
            if parts.count > TOMLParser.maximumDepth {
                throw reader.error("a key with more than \(TOMLParser.maximumDepth) parts", at: start)
            }
            reader.skipBlanks()
            guard reader.current == UInt8(ascii: ".") else { return parts }
            reader.advance()
        }
    }

    static func isBare(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
            UInt8(ascii: "_"), UInt8(ascii: "-"):
            true
        default: false
        }
    }
}

// MARK: - Values

struct ValueReader {
    /// `key = value` into `table`, creating the tables a dotted key names.
    mutating func readKeyValue(_ reader: inout Reader, into table: TableBuilder, depth: Int) throws(TOMLError) {
        let parts = try KeyReader.read(&reader)
        reader.skipBlanks()
        guard reader.current == UInt8(ascii: "=") else {
            let name = parts.map(\.name).joined(separator: ".")
            if reader.atEnd || reader.current == 0x0A || reader.current == 0x0D || reader.current == UInt8(ascii: "#") {
                throw reader.error("expected = after the key \(name)", fix: "write \(name) = value")
            }
            throw reader.error("expected = after the key \(name), found \(reader.describeCurrent())", fix: "write \(name) = value; quote keys with spaces: \"my key\" = value")
        }
        reader.advance()
        reader.skipBlanks()
        var target = table
        for part in parts.dropLast() {
            target = try descend(into: target, part, reader: reader)
        }
        guard let last = parts.last else { return }
        if let existing = target.entries[last.name] {
            let line: Int
            switch existing {
            case .value(let node): line = node.keyRange?.start.line ?? node.range.start.line
            case .table(let other): line = other.range.start.line
            case .tableArray(let array): line = array.range.start.line
            }
            let name = parts.map(\.name).joined(separator: ".")
            throw reader.error("\(name) is defined twice (first on line \(line))", fix: "keep one of them", at: last.range.start)
        }
        if target.frozen {
            throw reader.error("nothing can be added to an inline table after it is closed", at: last.range.start)
        }
        var node = try readValue(&reader, depth: depth)
        node.keyRange = last.range
        if case .table = node.value, let inline = pendingInline {
            inline.keyRange = last.range
            target.add(last.name, .table(inline))
            pendingInline = nil
        } else {
            target.add(last.name, .value(node))
        }
    }

    /// The inline table `readValue` just read, kept as a builder so its table rules stay in force.
    private var pendingInline: TableBuilder?

    /// One part of a dotted key: a table made by dotted keys may be extended, nothing else may.
    private func descend(into table: TableBuilder, _ part: KeyPart, reader: Reader) throws(TOMLError) -> TableBuilder {
        switch table.entries[part.name] {
        case nil:
            if table.frozen {
                throw reader.error("nothing can be added to an inline table after it is closed", at: part.range.start)
            }
            if table.depth + 1 > TOMLParser.maximumDepth {
                throw reader.error("tables are nested more than \(TOMLParser.maximumDepth) deep", at: part.range.start)
            }
            let created = TableBuilder(origin: .dotted, depth: table.depth + 1, range: part.range, keyRange: part.range)
            table.add(part.name, .table(created))
            return created
        case .table(let existing) where existing.origin == .dotted && !existing.frozen:
            return existing
        case .table(let existing):
            let how = existing.frozen ? "an inline table" : "a table defined by a [header]"
            throw reader.error(
                "\(part.name) is \(how) (line \(existing.range.start.line)); a dotted key cannot add to it",
                fix: existing.frozen ? "write the key inside its { }" : "write the key in its [\(part.name)] section", at: part.range.start)
        case .tableArray(let array):
            throw reader.error(
                "\(part.name) is an array of tables (line \(array.range.start.line)); a dotted key cannot add to it",
                fix: "write the key in a [[\(part.name)]] section", at: part.range.start)
        case .value(let node):
            throw reader.error(
                "\(part.name) is already \(node.value.typeName) (line \(node.range.start.line)), not a table",
                fix: "rename one of the keys", at: part.range.start)
        }
    }

    mutating func readValue(_ reader: inout Reader, depth: Int) throws(TOMLError) -> TOMLNode {
        let start = reader.position
        func node(_ value: TOMLValue, _ reader: Reader) -> TOMLNode {
            TOMLNode(value: value, range: TOMLRange(start: start, end: reader.position))
        }
        guard let byte = reader.current else {
            throw reader.error("expected a value after =, found the end of the file", fix: "write a value, e.g. \"text\", 5 or true")
        }
        switch byte {
        case UInt8(ascii: "\""):
            let text = reader.next(is: "\"\"\"") ? try StringReader.multilineBasic(&reader) : try StringReader.basic(&reader)
            return node(.string(text), reader)
        case UInt8(ascii: "'"):
            let text = reader.next(is: "'''") ? try StringReader.multilineLiteral(&reader) : try StringReader.literal(&reader)
            return node(.string(text), reader)
        case UInt8(ascii: "["):
            return node(.array(try readArray(&reader, depth: depth + 1)), reader)
        case UInt8(ascii: "{"):
            let table = try readInlineTable(&reader, depth: depth + 1)
            table.range = TOMLRange(start: start, end: reader.position)
            pendingInline = table
            return TOMLNode(value: .table(table.finished()), range: table.range)
        case 0x0A, 0x0D, UInt8(ascii: "#"):
            throw reader.error("expected a value after =, found the end of the line", fix: "write a value, e.g. \"text\", 5 or true")
        default:
            return node(try ScalarReader.read(&reader), reader)
        }
    }

    private mutating func readArray(_ reader: inout Reader, depth: Int) throws(TOMLError) -> [TOMLNode] {
        let open = reader.position
        if depth > TOMLParser.maximumDepth {
            throw reader.error("arrays and inline tables are nested more than \(TOMLParser.maximumDepth) deep")
        }
        reader.advance()
        var elements: [TOMLNode] = []
        while true {
            try reader.skipBlanksCommentsAndNewlines()
            if reader.current == UInt8(ascii: "]") {
                reader.advance()
                return elements
            }
            if reader.atEnd {
                throw reader.error("the array opened at \(open) is not closed", fix: "close it with ]", at: open)
            }
            var element = try readValue(&reader, depth: depth)
            if let inline = pendingInline {
                element = inline.node()
                pendingInline = nil
            }
            elements.append(element)
            try reader.skipBlanksCommentsAndNewlines()
            if reader.current == UInt8(ascii: ",") {
                reader.advance()
                continue
            }
            if reader.current == UInt8(ascii: "]") {
                reader.advance()
                return elements
            }
            if reader.atEnd {
                throw reader.error("the array opened at \(open) is not closed", fix: "close it with ]", at: open)
            }
            throw reader.error(
                "expected , or ] in the array, found \(reader.describeCurrent())", fix: "separate the values with commas and close the array with ]")
        }
    }

    private mutating func readInlineTable(_ reader: inout Reader, depth: Int) throws(TOMLError) -> TableBuilder {
        let open = reader.position
        if depth > TOMLParser.maximumDepth {
            throw reader.error("arrays and inline tables are nested more than \(TOMLParser.maximumDepth) deep")
        }
        reader.advance()
        let table = TableBuilder(origin: .inline, depth: depth, range: TOMLRange(start: open, end: open), keyRange: nil)
        let oneLine = "an inline table { … } must be on one line in TOML 1.0"
        reader.skipBlanks()
        if reader.current == UInt8(ascii: "}") {
            reader.advance()
            table.freeze()
            return table
        }
        while true {
            reader.skipBlanks()
            if reader.current == 0x0A || reader.current == 0x0D {
                throw reader.error(oneLine, fix: "close it with } on this line, or use a [table] section")
            }
            if reader.atEnd {
                throw reader.error("the inline table opened at \(open) is not closed", fix: "close it with }", at: open)
            }
            var inner = ValueReader()
            try inner.readKeyValue(&reader, into: table, depth: depth)
            reader.skipBlanks()
            if reader.current == UInt8(ascii: ",") {
                reader.advance()
                reader.skipBlanks()
                if reader.current == UInt8(ascii: "}") {
                    throw reader.error("a comma before } is not allowed in an inline table", fix: "remove the last comma")
                }
                continue
            }
            if reader.current == UInt8(ascii: "}") {
                reader.advance()
                table.freeze()
                return table
            }
            if reader.atEnd {
                throw reader.error("the inline table opened at \(open) is not closed", fix: "close it with }", at: open)
            }
            if reader.current == 0x0A || reader.current == 0x0D {
                throw reader.error(oneLine, fix: "close it with } on this line, or use a [table] section")
            }
            throw reader.error("expected , or } in the inline table, found \(reader.describeCurrent())", fix: "separate the pairs with commas")
        }
    }
}
