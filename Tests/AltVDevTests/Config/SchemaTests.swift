import Foundation
import TOML
import Testing

@testable import AltVDev

@Suite("JSON Schema and the example file stay equal to the parser")
struct SchemaTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    func schema() throws -> [String: Any] {
        let data = try Data(contentsOf: Self.root.appendingPathComponent("schemas/altv-dev.schema.json"))
        return try #require(try JSONSerialization.jsonObject(with: data) as? [String: Any])
    }

    /// A table's schema; for an array of tables (`[[stage]]`), its element's.
    func tableSchema(_ value: Any) throws -> [String: Any] {
        let schema = try #require(value as? [String: Any])
        if schema["type"] as? String == "array" { return try #require(schema["items"] as? [String: Any]) }
        return schema
    }

    /// The key path an entry of that table has: `server.ready`, or `stage.0.name` for an array of tables.
    /// Every key's dotted path in a document: `server.ready`, `stage.0.name`, …, mapped to its node.
    static func paths(_ table: TOMLTable, prefix: String = "") -> [String: TOMLNode] {
        var found: [String: TOMLNode] = [:]
        for key in table.keys {
            guard let node = table[key] else { continue }
            found[prefix + key] = node
            if case .table(let inner) = node.value { found.merge(paths(inner, prefix: prefix + key + ".")) { a, _ in a } }
            if case .array(let elements) = node.value {
                for (offset, element) in elements.enumerated() {
                    if case .table(let inner) = element.value { found.merge(paths(inner, prefix: "\(prefix)\(key).\(offset).")) { a, _ in a } }
                }
            }
        }
        return found
    }

    static func entryKey(_ table: String, _ key: String) -> String {
        ["stage", "service"].contains(table) ? "\(table).0.\(key)" : "\(table).\(key)"
    }

    @Test("the schema has exactly the parser's tables and keys, and forbids others")
    func keys() throws {
        let schema = try schema()
        let tables = try #require(schema["properties"] as? [String: Any])
        #expect(Set(tables.keys) == Set(ConfigSchema.keys[""]!))
        #expect(schema["additionalProperties"] as? Bool == false)
        for (name, value) in tables {
            let table = try tableSchema(value)
            let properties = try #require(table["properties"] as? [String: Any])
            #expect(Set(properties.keys) == Set(ConfigSchema.keys[name]!), "\(name)")
            #expect(table["additionalProperties"] as? Bool == false, "\(name)")
        }
    }

    @Test("the schema's defaults are the parser's defaults")
    func defaults() throws {
        let minimal = """
            [server]
            command = ["x"]
            [watch]
            paths = ["r"]
            [[stage]]
            name = "s"
            command = "x"
            [[service]]
            name = "v"
            command = "x"
            """
        let parsed = Dictionary(
            ConfigPrinter.entries(try ConfigLoader.parse(source: minimal, file: "/p/altv-dev.toml")).map { ($0.key, $0.value) },
            uniquingKeysWith: { a, _ in a })
        let tables = try #require(try schema()["properties"] as? [String: Any])
        var compared = 0
        for (table, body) in tables {
            for (key, value) in try tableSchema(body)["properties"] as? [String: [String: Any]] ?? [:] {
                guard let value = value["default"], key != "cwd" else { continue }
                let json = String(decoding: try JSONSerialization.data(withJSONObject: value, options: [.fragmentsAllowed, .withoutEscapingSlashes]), as: UTF8.self)
                let toml = json.replacingOccurrences(of: "\",\"", with: "\", \"")
                #expect(parsed[Self.entryKey(table, key)] == toml, "\(table).\(key)")
                compared += 1
            }
        }
        #expect(compared >= 20)
    }

    @Test("the example file parses and shows every key")
    func example() throws {
        let file = Self.root.appendingPathComponent("examples/altv-dev.example.toml").path
        let source = try String(contentsOfFile: file, encoding: .utf8)
        _ = try ConfigLoader.parse(source: source, file: file)
        let keys = Self.paths(try TOMLParser.parse(source))
        for (table, names) in ConfigSchema.keys where !table.isEmpty {
            for name in names { #expect(keys[Self.entryKey(table, name)] != nil, "\(table).\(name)") }
        }
    }

    @Test("schema patterns accept what the duration parser accepts")
    func durations() throws {
        let definitions = try #require(try schema()["definitions"] as? [String: [String: Any]])
        let pattern = try #require(definitions["duration"]?["pattern"] as? String)
        let regex = try Regex(pattern)
        for text in ["250ms", "2.5s", "1m", "1m30s", "2h"] {
            #expect(DurationParser.parse(text) != nil)
            #expect(text.wholeMatch(of: regex) != nil, "\(text)")
        }
        for text in ["10", "5d", "soon"] {
            #expect(DurationParser.parse(text) == nil)
            #expect(text.wholeMatch(of: regex) == nil, "\(text)")
        }
    }
}
