import TOML

/// Reads one table of the config with errors that name the file, line, column and key.
struct TableReader {
    /// The table's node; nil for the stand-in of a table that is not in the file.
    let node: TOMLNode?
    let path: [String]
    let file: String
    /// For `${VAR}` and `${VAR:-default}` in string values.
    var environment: [String: String] = [:]

    /// An empty stand-in for a missing table, so its keys still get their defaults.
    func empty(_ key: String) -> TableReader {
        TableReader(node: nil, path: path + [key], file: file, environment: environment)
    }

    private var table: TOMLTable { node?.value.table ?? TOMLTable() }

    var entries: [String: TOMLNode] { table.nodes }

    var displayName: String { path.isEmpty ? "the top level" : "[\(path.joined(separator: "."))]" }

    func keyPath(_ key: String?) -> String { (path + (key.map { [$0] } ?? [])).joined(separator: ".") }

    /// Where `key` (dotted below this table: `paths.1`, `env.A`) stands, or the nearest thing above it that does.
    private func position(of key: String?, onKey: Bool) -> TOMLPosition? {
        guard var found = node else { return nil }
        for part in key.map({ $0.split(separator: ".").map(String.init) }) ?? [] {
            let next: TOMLNode?
            switch found.value {
            case .table(let table): next = table[part]
            case .array(let elements): next = Int(part).flatMap { elements.indices.contains($0) ? elements[$0] : nil }
            default: next = nil
            }
            guard let next else { break }
            found = next
        }
        if onKey, let keyRange = found.keyRange { return keyRange.start }
        return found.range.start
    }

    /// An error at the value of `key` (or at this table's header when `key` is nil).
    func error(at key: String?, _ message: String, fix: String? = nil, onKey: Bool = false) -> ConfigError {
        let name = keyPath(key)
        let position = position(of: key, onKey: onKey)
        return ConfigError(file: file, line: position?.line, column: position?.column, key: name.isEmpty ? nil : name, message: message, fix: fix)
    }

    /// A bad regex, with a caret under the place in the pattern where it goes wrong.
    func regexError(at key: String, pattern: String, message: String) -> ConfigError {
        var result = error(at: key, "invalid regular expression: \(message)", fix: "fix the pattern, or escape special characters with \\\\")
        if let offset = RegexDiagnosis.offset(in: pattern, message: message) {
            result.message += "\n    \(pattern)\n    " + String(repeating: " ", count: offset) + "^"
            // The pattern starts one column after the opening quote, if it has no escapes.
            if let column = result.column, !pattern.contains("\\") { result.column = column + 1 + offset }
        }
        return result
    }

    func allowOnly(_ known: [String]) throws(ConfigError) {
        for key in entries.keys.sorted() where !known.contains(key) {
            let suggestion = Spelling.closest(to: key, among: known)
            throw error(
                at: key, "unknown key \"\(key)\" in \(displayName)",
                fix: suggestion.map { "did you mean \"\($0)\"?" } ?? "known keys: " + known.joined(separator: ", "),
                onKey: true)
        }
    }

    func optionalTable(_ key: String) throws(ConfigError) -> TableReader? {
        guard let node = entries[key] else { return nil }
        guard case .table = node.value else {
            throw error(at: key, "expected a table, found \(node.value.typeName)", fix: "write it as a [\(keyPath(key))] section")
        }
        return TableReader(node: node, path: path + [key], file: file, environment: environment)
    }

    /// `[[key]]` sections, each read as its own table at `key.N`.
    func tableArray(_ key: String) throws(ConfigError) -> [TableReader] {
        guard let node = entries[key] else { return [] }
        guard case .array(let elements) = node.value else {
            throw error(at: key, "expected [[\(keyPath(key))]] sections, found \(node.value.typeName)", fix: "write each one as a [[\(keyPath(key))]] section")
        }
        var tables: [TableReader] = []
        for (offset, element) in elements.enumerated() {
            guard case .table = element.value else {
                throw error(at: "\(key).\(offset)", "expected a table, found \(element.value.typeName)", fix: "write each one as a [[\(keyPath(key))]] section")
            }
            tables.append(TableReader(node: element, path: path + [key, String(offset)], file: file, environment: environment))
        }
        return tables
    }

    /// One of an enum's raw values, e.g. `on_busy = "queue"`.
    func choice<Choice: RawRepresentable & CaseIterable>(_ key: String, default fallback: Choice) throws(ConfigError) -> Choice
    where Choice.RawValue == String {
        guard let text = try string(key) else { return fallback }
        guard let choice = Choice(rawValue: text) else {
            let allowed = Choice.allCases.map { "\"\($0.rawValue)\"" }
            throw error(
                at: key, "expected " + allowed.joined(separator: " or ") + ", found \"\(text)\"",
                fix: "write \(key) = " + allowed.joined(separator: " or "))
        }
        return choice
    }

    func requiredTable(_ key: String) throws(ConfigError) -> TableReader {
        guard let table = try optionalTable(key) else {
            throw ConfigError(file: file, line: 1, column: 1, key: keyPath(key), message: "missing required section [\(keyPath(key))]", fix: "add a [\(keyPath(key))] section")
        }
        return table
    }

    func string(_ key: String) throws(ConfigError) -> String? {
        guard let value = entries[key]?.value else { return nil }
        guard case .string(let text) = value else {
            throw error(at: key, "expected a string, found \(value.typeName)", fix: "put the value in quotes")
        }
        return try expand(text, at: key)
    }

    /// Replaces `${VAR}` and `${VAR:-default}` from the environment; `$${` is a literal `${`.
    func expand(_ text: String, at key: String) throws(ConfigError) -> String {
        guard text.contains("${") else { return text }
        do {
            return try VariableExpander.expand(text, environment: environment)
        } catch {
            throw self.error(at: key, error.message, fix: error.fix)
        }
    }

    func integer(_ key: String) throws(ConfigError) -> Int? {
        guard let value = entries[key]?.value else { return nil }
        guard case .integer(let number) = value else {
            throw error(at: key, "expected an integer, found \(value.typeName)", fix: "write a number without quotes")
        }
        return number
    }

    func bool(_ key: String) throws(ConfigError) -> Bool? {
        guard let value = entries[key]?.value else { return nil }
        guard case .boolean(let flag) = value else {
            throw error(at: key, "expected true or false, found \(value.typeName)")
        }
        return flag
    }

    func stringArray(_ key: String) throws(ConfigError) -> [String]? {
        guard let value = entries[key]?.value else { return nil }
        guard case .array(let elements) = value else {
            throw error(at: key, "expected an array of strings, found \(value.typeName)", fix: "write it as [\"…\"]")
        }
        var strings: [String] = []
        for (offset, element) in elements.enumerated() {
            guard case .string(let text) = element.value else {
                throw error(at: "\(key).\(offset)", "expected a string, found \(element.value.typeName)", fix: "put the value in quotes")
            }
            strings.append(try expand(text, at: "\(key).\(offset)"))
        }
        return strings
    }

    func stringTable(_ key: String) throws(ConfigError) -> [String: String]? {
        guard let value = entries[key]?.value else { return nil }
        guard case .table(let table) = value else {
            throw error(at: key, "expected a table of strings, found \(value.typeName)", fix: "write it as { NAME = \"value\" }")
        }
        var strings: [String: String] = [:]
        for name in table.keys {
            guard case .string(let text)? = table[name]?.value else {
                throw error(at: "\(key).\(name)", "expected a string, found \(table[name]?.value.typeName ?? "nothing")", fix: "put the value in quotes")
            }
            strings[name] = try expand(text, at: "\(key).\(name)")
        }
        return strings
    }

    func duration(_ key: String) throws(ConfigError) -> Duration? {
        guard let value = entries[key]?.value else { return nil }
        guard case .string(let text) = value else {
            throw error(at: key, "expected \(DurationParser.expected), found \(value.typeName)", fix: "write it as a string, e.g. \"2.5s\"")
        }
        guard let duration = DurationParser.parse(try expand(text, at: key)) else {
            throw error(at: key, "\"\(text)\" is not a duration", fix: "write \(DurationParser.expected)")
        }
        return duration
    }

    func command(_ key: String) throws(ConfigError) -> CommandSpec {
        guard let value = entries[key]?.value else {
            let example = path.first == "server" ? "[\"./altv-server\"]" : "\"npm run build\""
            throw error(at: nil, "missing required key \"\(key)\" in \(displayName)", fix: "add \(key) = \(example)")
        }
        switch value {
        case .string(let line) where !line.trimming { $0 == " " }.isEmpty:
            return .shell(try expand(line, at: key))
        case .array:
            guard let arguments = try stringArray(key), !arguments.isEmpty, !arguments[0].isEmpty else {
                throw error(at: key, "the command is empty", fix: "name the program first, e.g. [\"./altv-server\"]")
            }
            return .arguments(arguments)
        case .string:
            throw error(at: key, "the command is empty", fix: "name the program, e.g. \"./altv-server\"")
        default:
            throw error(at: key, "expected a string or an array of strings, found \(value.typeName)", fix: "write it as [\"./altv-server\"]")
        }
    }
}

/// Suggests the closest known word for a misspelled one.
enum Spelling {
    static func closest(to word: String, among candidates: [String]) -> String? {
        let scored = candidates.map { ($0, distance(word.lowercased(), $0.lowercased())) }
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= max(2, word.count / 3) else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    static func distance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        if a.isEmpty { return b.count }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in stride(from: 1, through: b.count, by: 1) {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }
}
