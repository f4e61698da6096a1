/// The four kinds of TOML string.
enum StringReader {
    private static let quote = UInt8(ascii: "\"")
    private static let apostrophe = UInt8(ascii: "'")
    private static let backslash = UInt8(ascii: "\\")

    /// `"…"` with escapes, on one line.
    static func basic(_ reader: inout Reader) throws(TOMLError) -> String {
        try singleLine(&reader, quote: quote, escapes: true)
    }

    /// `'…'`, taken as written, on one line.
    static func literal(_ reader: inout Reader) throws(TOMLError) -> String {
        try singleLine(&reader, quote: apostrophe, escapes: false)
    }

    private static func singleLine(_ reader: inout Reader, quote: UInt8, escapes: Bool) throws(TOMLError) -> String {
        let open = reader.position
        let mark = String(Character(Unicode.Scalar(quote)))
        reader.advance()
        var bytes: [UInt8] = []
        while true {
            guard let byte = reader.current, byte != 0x0A, byte != 0x0D else {
                throw reader.error(
                    "the string opened at \(open) is not closed on its line",
                    fix: "close it with \(mark) on the same line, or use \(mark)\(mark)\(mark) for text over several lines", at: open)
            }
            if byte == quote {
                reader.advance()
                return String(decoding: bytes, as: UTF8.self)
            }
            if escapes, byte == backslash {
                try escape(&reader, into: &bytes)
                continue
            }
            try refuseControl(byte, reader, inside: "a string")
            bytes.append(byte)
            reader.advance()
        }
    }

    /// `"""…"""` with escapes and line-ending backslashes; a newline right after the opening is dropped.
    static func multilineBasic(_ reader: inout Reader) throws(TOMLError) -> String {
        try multiline(&reader, quote: quote, escapes: true)
    }

    /// `'''…'''` as written; a newline right after the opening is dropped.
    static func multilineLiteral(_ reader: inout Reader) throws(TOMLError) -> String {
        try multiline(&reader, quote: apostrophe, escapes: false)
    }

    private static func multiline(_ reader: inout Reader, quote: UInt8, escapes: Bool) throws(TOMLError) -> String {
        let open = reader.position
        let mark = String(repeating: String(Character(Unicode.Scalar(quote))), count: 3)
        reader.advance(3)
        _ = try reader.takeNewline()
        var bytes: [UInt8] = []
        while true {
            guard let byte = reader.current else {
                throw reader.error("the string opened at \(open) is not closed", fix: "close it with \(mark)", at: open)
            }
            if byte == quote {
                if try closes(&reader, quote: quote, into: &bytes) { return String(decoding: bytes, as: UTF8.self) }
                continue
            }
            if escapes, byte == backslash {
                if try lineEndingBackslash(&reader) { continue }
                try escape(&reader, into: &bytes)
                continue
            }
            if byte == 0x0D || byte == 0x0A {
                _ = try reader.takeNewline()
                bytes.append(0x0A)
                continue
            }
            try refuseControl(byte, reader, inside: "a string")
            bytes.append(byte)
            reader.advance()
        }
    }

    /// A run of quotes in a multi-line string: three close it, and up to two more before them belong to it.
    private static func closes(_ reader: inout Reader, quote: UInt8, into bytes: inout [UInt8]) throws(TOMLError) -> Bool {
        var run = 0
        while reader.peek(run) == quote { run += 1 }
        if run < 3 {
            bytes.append(contentsOf: repeatElement(quote, count: run))
            reader.advance(run)
            return false
        }
        if run > 5 {
            throw reader.error(
                "\(run) quotes in a row in a multi-line string", fix: "escape a quote inside the text (\\\") or end the string with at most 5 quotes",
                at: reader.position)
        }
        bytes.append(contentsOf: repeatElement(quote, count: run - 3))
        reader.advance(run)
        return true
    }

    /// `\` followed by blanks up to the end of the line: it and the white space after it are dropped.
    private static func lineEndingBackslash(_ reader: inout Reader) throws(TOMLError) -> Bool {
        var look = 1
        while let byte = reader.peek(look), byte == 0x20 || byte == 0x09 { look += 1 }
        guard let end = reader.peek(look), end == 0x0A || (end == 0x0D && reader.peek(look + 1) == 0x0A) else { return false }
        reader.advance(look)
        while true {
            reader.skipBlanks()
            if try !reader.takeNewline() { return true }
        }
    }

    private static func escape(_ reader: inout Reader, into bytes: inout [UInt8]) throws(TOMLError) {
        let start = reader.position
        reader.advance()
        guard let code = reader.current else {
            throw reader.error("the string ends in the middle of an escape", fix: "write \\\\ for a backslash", at: start)
        }
        reader.advance()
        switch code {
        case UInt8(ascii: "b"): bytes.append(0x08)
        case UInt8(ascii: "t"): bytes.append(0x09)
        case UInt8(ascii: "n"): bytes.append(0x0A)
        case UInt8(ascii: "f"): bytes.append(0x0C)
        case UInt8(ascii: "r"): bytes.append(0x0D)
        case quote: bytes.append(quote)
        case backslash: bytes.append(backslash)
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = code == UInt8(ascii: "u") ? 4 : 8
            var scalar: UInt32 = 0
            for _ in 0..<count {
                guard let digit = reader.current.flatMap(hexValue) else {
                    throw reader.error(
                        "\\\(Character(Unicode.Scalar(code))) needs \(count) hex digits", fix: "write e.g. \\u00E9 or \\U0001F600", at: start)
                }
                scalar = scalar << 4 | UInt32(digit)
                reader.advance()
            }
            guard let character = Unicode.Scalar(scalar) else {
                throw reader.error("\\\(Character(Unicode.Scalar(code))) names no Unicode character (a surrogate or past U+10FFFF)", at: start)
            }
            bytes.append(contentsOf: Array(String(Character(character)).utf8))
        default:
            let shown = code < 0x80 && !Reader.isControl(code) ? String(Character(Unicode.Scalar(code))) : Reader.codePoint(code)
            throw reader.error(
                "\\\(shown) is not an escape TOML knows", fix: "write \\\\ for a backslash, or use a 'literal string' where backslashes are plain",
                at: start)
        }
    }

    private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): byte - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): byte - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): byte - UInt8(ascii: "A") + 10
        default: nil
        }
    }

    private static func refuseControl(_ byte: UInt8, _ reader: Reader, inside what: String) throws(TOMLError) {
        guard Reader.isControl(byte) else { return }
        let hex = String(byte, radix: 16, uppercase: true)
        throw reader.error(
            "control character \(Reader.codePoint(byte)) in \(what)", fix: "write it as the escape \\u\(String(repeating: "0", count: 4 - hex.count) + hex)")
    }
}
