import FoundationEssentials
import Glibc

/// `[server] env_file`: a `.env` file read as data, the subset docker compose and dotenv agree on.
/// `KEY=value` lines (an `export ` before the key is allowed), `#` comments and blank lines;
/// values bare (trimmed, ` #` starts a comment), in single quotes (literal) or in double quotes
/// (`\n`, `\t`, `\r`, `\"`, `\\`, `\$` escapes), quoted values may span lines. No `${VAR}`
/// expansion: a value is what is written. A key written twice keeps the last value.
public struct EnvFile: Equatable, Sendable {
    /// Absolute.
    public var path: String
    /// In the order first written.
    public var keys: [String]
    public var values: [String: String]

    /// A `.env` holds a few settings: anything bigger is a file saved in the wrong place.
    public static let maximumSize = 1 << 20

    public init(path: String, keys: [String] = [], values: [String: String] = [:]) {
        self.path = path
        self.keys = keys
        self.values = values
    }

    /// Reads the file at `path`; an error names the file and, where the text is wrong, the line and column.
    public static func read(at path: String) throws(ConfigError) -> EnvFile {
        guard let data = try readBytes(path) else {
            throw ConfigError(file: path, message: "no such file, or it cannot be read", fix: "create it, or remove [server] env_file")
        }
        return try parse(data, path: path)
    }

    private static func readBytes(_ path: String) throws(ConfigError) -> [UInt8]? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        if Int(info.st_size) > maximumSize {
            throw ConfigError(file: path, message: "is \(Int(info.st_size)) bytes; an env file over \(maximumSize) bytes (1 MiB) is not read",
                              fix: "keep it to KEY=value lines; was another file saved over it?")
        }
        return FileManager.default.contents(atPath: path).map(Array.init)
    }

    /// Parses the bytes of a `.env` file as if read from `path`.
    public static func parse(_ bytes: [UInt8], path: String) throws(ConfigError) -> EnvFile {
        var reader = Reader(bytes: bytes, path: path)
        return try reader.file()
    }

    /// Leaves `key` out of what children get.
    public mutating func remove(_ key: String) {
        values[key] = nil
        keys.removeAll { $0 == key }
    }

    /// The file's variables under those that `env` sets: `env` tables in altv-dev.toml win.
    public func under(_ env: [String: String]) -> [String: String] {
        values.merging(env) { _, table in table }
    }
}

/// Walks the bytes once, keeping the line and column (counted in characters) of where it is.
private struct Reader {
    let bytes: [UInt8]
    let path: String
    var at = 0
    var line = 1
    var column = 1

    init(bytes: [UInt8], path: String) {
        self.bytes = bytes
        self.path = path
    }

    var current: UInt8? { at < bytes.count ? bytes[at] : nil }

    func error(_ message: String, fix: String, line: Int? = nil, column: Int? = nil) -> ConfigError {
        ConfigError(file: path, line: line ?? self.line, column: column ?? self.column, message: message, fix: fix)
    }

    /// Steps over one character (a whole UTF-8 sequence), refusing bytes that are no text.
    @discardableResult
    mutating func advance() throws(ConfigError) -> String {
        guard let first = current else { return "" }
        let length = first < 0x80 ? 1 : first >> 5 == 0b110 ? 2 : first >> 4 == 0b1110 ? 3 : first >> 3 == 0b11110 ? 4 : 0
        guard length > 0, at + length <= bytes.count, let text = String(validating: bytes[at..<at + length], as: UTF8.self) else {
            throw error("the file is not UTF-8 text", fix: "save it as UTF-8")
        }
        if first == 0 { throw error("a NUL byte: the file is not text", fix: "save it as UTF-8 text") }
        at += length
        if first == UInt8(ascii: "\n") {
            line += 1
            column = 1
        } else {
            column += 1
        }
        return text
    }

    mutating func skipBlanks() throws(ConfigError) {
        while let byte = current, byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") { try advance() }
    }

    /// The rest of the line, comment or `\r` included, stepped over; the `\n` too.
    mutating func skipLine() throws(ConfigError) {
        while let byte = current, byte != UInt8(ascii: "\n") { try advance() }
        if current != nil { try advance() }
    }

    mutating func file() throws(ConfigError) -> EnvFile {
        var file = EnvFile(path: path)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
        while current != nil {
            try skipBlanks()
            guard let byte = current else { break }
            if byte == UInt8(ascii: "#") || byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") {
                try skipLine()
                continue
            }
            let (key, value) = try assignment()
            if file.values.updateValue(value, forKey: key) == nil { file.keys.append(key) }
        }
        return file
    }

    mutating func assignment() throws(ConfigError) -> (String, String) {
        var key = try name()
        if key == "export", current == UInt8(ascii: " ") || current == UInt8(ascii: "\t") {
            try skipBlanks()
            key = try name()
        }
        try skipBlanks()
        guard current == UInt8(ascii: "=") else {
            throw error(
                "expected = after \(key.isEmpty ? "the variable's name" : key)", fix: "write KEY=value, one per line (a comment starts with #)")
        }
        try advance()
        try skipBlanks()
        let value: String
        switch current {
        case UInt8(ascii: "\""): value = try quoted(escapes: true)
        case UInt8(ascii: "'"): value = try quoted(escapes: false)
        default: value = try bare()
        }
        return (key, value)
    }

    /// `[A-Za-z_][A-Za-z0-9_]*`: what a shell and every dotenv reader take as a name.
    mutating func name() throws(ConfigError) -> String {
        var name = ""
        while let byte = current, byte == UInt8(ascii: "_") || (byte | 0x20 >= UInt8(ascii: "a") && byte | 0x20 <= UInt8(ascii: "z"))
            || (!name.isEmpty && byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9"))
        {
            name += try advance()
        }
        if name.isEmpty {
            throw error("expected a variable name", fix: "names are letters, digits and _, not starting with a digit: KEY=value")
        }
        return name
    }

    /// Up to the end of the line or a ` #` comment, trimmed.
    mutating func bare() throws(ConfigError) -> String {
        var value = ""
        var blanks = ""
        while let byte = current, byte != UInt8(ascii: "\n") {
            if byte == UInt8(ascii: "#"), !blanks.isEmpty || value.isEmpty {
                try skipLine()
                return value
            }
            let character = try advance()
            if byte == UInt8(ascii: " ") || byte == UInt8(ascii: "\t") || byte == UInt8(ascii: "\r") {
                blanks += character
            } else {
                value += blanks + character
                blanks = ""
            }
        }
        if current != nil { try advance() }
        return value
    }

    mutating func quoted(escapes: Bool) throws(ConfigError) -> String {
        let (startLine, startColumn) = (line, column)
        let quote = try advance()
        var value = ""
        while true {
            guard let byte = current else {
                throw error(
                    "the value opened with \(quote) here is never closed", fix: "end it with \(quote) (a quoted value may span lines)",
                    line: startLine, column: startColumn)
            }
            if String(decoding: [byte], as: UTF8.self) == quote {
                try advance()
                break
            }
            if escapes, byte == UInt8(ascii: "\\") {
                try advance()
                let escaped = try advance()
                switch escaped {
                case "n": value += "\n"
                case "t": value += "\t"
                case "r": value += "\r"
                case "\"", "\\", "$": value += escaped
                case "": continue
                default: value += "\\" + escaped
                }
                continue
            }
            value += try advance()
        }
        try skipBlanks()
        if let byte = current, byte != UInt8(ascii: "\n"), byte != UInt8(ascii: "\r"), byte != UInt8(ascii: "#") {
            throw error("text after the closing \(quote)", fix: "put the whole value inside the quotes, or start a comment with #")
        }
        try skipLine()
        return value
    }
}
