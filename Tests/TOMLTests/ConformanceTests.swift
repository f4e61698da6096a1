import Foundation
import TOML
import Testing

/// toml-test's TOML 1.0 corpus (`../shared/toml-test`): every valid document decodes to exactly
/// its tagged JSON, every invalid one is refused with a place.
@Suite("toml-test 1.0 conformance", .enabled(if: TOMLTestCorpus.root != nil, "the toml-test corpus is not at ../shared/toml-test"))
struct ConformanceTests {
    @Test("every valid document decodes to its JSON")
    func valid() throws {
        let corpus = try #require(TOMLTestCorpus.root)
        let cases = TOMLTestCorpus.cases(prefix: "valid/")
        #expect(cases.count == 210)
        var failures: [String] = []
        for name in cases {
            let source = FileManager.default.contents(atPath: "\(corpus)/\(name)") ?? Data()
            let expectedURL = URL(fileURLWithPath: "\(corpus)/\(name.dropLast(5)).json")
            guard let json = try? JSONSerialization.jsonObject(with: Data(contentsOf: expectedURL), options: [.fragmentsAllowed]) else {
                failures.append("\(name): no JSON")
                continue
            }
            do {
                let table = try TOMLParser.parse(bytes: Array(source))
                let tagged = TaggedJSON.table(table)
                if !TaggedJSON.equal(tagged, json) { failures.append("\(name): decoded \(tagged)\n  expected \(json)") }
            } catch {
                failures.append("\(name): \(error)")
            }
        }
        #expect(failures.isEmpty, "\(failures.count) failed:\n\(failures.joined(separator: "\n"))")
    }

    @Test("every invalid document is refused with a line and column inside the file")
    func invalid() throws {
        let corpus = try #require(TOMLTestCorpus.root)
        let cases = TOMLTestCorpus.cases(prefix: "invalid/")
        #expect(cases.count == 499)
        var accepted: [String] = []
        for name in cases {
            let source = Array(FileManager.default.contents(atPath: "\(corpus)/\(name)") ?? Data())
            do {
                _ = try TOMLParser.parse(bytes: source)
                accepted.append(name)
            } catch {
                let lines = source.filter { $0 == 0x0A }.count + 1
                #expect(error.line >= 1 && error.line <= lines && error.column >= 1, "\(name): \(error)")
                #expect(error.position.offset >= 0 && error.position.offset <= source.count, "\(name): \(error)")
            }
        }
        #expect(accepted.isEmpty, "accepted \(accepted.count):\n\(accepted.joined(separator: "\n"))")
    }
}

enum TOMLTestCorpus {
    /// `../shared/toml-test` beside the package root.
    static let root: String? = {
        let package = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let corpus = package.deletingLastPathComponent().appendingPathComponent("shared/toml-test").path
        return FileManager.default.fileExists(atPath: corpus + "/files-toml-1.0.0") ? corpus : nil
    }()

    static func cases(prefix: String) -> [String] {
        guard let root, let list = try? String(contentsOfFile: root + "/files-toml-1.0.0", encoding: .utf8) else { return [] }
        return list.split(separator: "\n").map(String.init).filter { $0.hasPrefix(prefix) && $0.hasSuffix(".toml") }
    }
}

/// toml-test's tagged JSON: `{"type": …, "value": "…"}` leaves, objects for tables, arrays for arrays.
enum TaggedJSON {
    static func table(_ table: TOMLTable) -> [String: Any] {
        var object: [String: Any] = [:]
        for key in table.keys { object[key] = value(table[key]!.value) }
        return object
    }

    static func value(_ value: TOMLValue) -> Any {
        switch value {
        case .string(let text): return ["type": "string", "value": text]
        case .integer(let number): return ["type": "integer", "value": String(number)]
        case .float(let number):
            let text = number.isNaN ? "nan" : number.isInfinite ? (number < 0 ? "-inf" : "inf") : String(number)
            return ["type": "float", "value": text]
        case .boolean(let flag): return ["type": "bool", "value": String(flag)]
        case .dateTime(let dateTime):
            let type = dateTime.date == nil ? "time-local" : dateTime.time == nil ? "date-local" : dateTime.offsetMinutes == nil ? "datetime-local" : "datetime"
            return ["type": type, "value": dateTime.description]
        case .array(let nodes): return nodes.map { Self.value($0.value) }
        case .table(let table): return Self.table(table)
        }
    }

    /// A date-time's text with its fraction's trailing zeros dropped (.600 and .6 are one instant).
    static func instant(_ text: String) -> String {
        guard let dot = text.firstIndex(of: ".") else { return text }
        let digits = text[text.index(after: dot)...].prefix { $0.isNumber }
        var trimmed = String(digits)
        while trimmed.hasSuffix("0") { trimmed.removeLast() }
        let rest = text[text.index(dot, offsetBy: digits.count + 1)...]
        return String(text[..<dot]) + (trimmed.isEmpty ? "" : "." + trimmed) + rest
    }

    /// Equal as toml-test compares: floats by value, date-times by their instant's text, the rest exactly.
    static func equal(_ a: Any, _ b: Any) -> Bool {
        if let a = a as? [Any], let b = b as? [Any] {
            return a.count == b.count && zip(a, b).allSatisfy { equal($0, $1) }
        }
        guard let a = a as? [String: Any], let b = b as? [String: Any], Set(a.keys) == Set(b.keys) else { return false }
        if let typeA = a["type"] as? String, let valueA = a["value"] as? String, a.count == 2,
            let typeB = b["type"] as? String, let valueB = b["value"] as? String, b.count == 2
        {
            guard typeA == typeB else { return false }
            if typeA == "float" {
                let x = Double(valueA.replacingOccurrences(of: "inf", with: "infinity")) ?? .nan
                let y = Double(valueB.replacingOccurrences(of: "inf", with: "infinity")) ?? .nan
                return (x.isNaN && y.isNaN) || x == y
            }
            if typeA.hasPrefix("datetime") || typeA == "time-local" { return instant(valueA) == instant(valueB) }
            return valueA == valueB
        }
        return a.keys.allSatisfy { equal(a[$0]!, b[$0]!) }
    }
}
