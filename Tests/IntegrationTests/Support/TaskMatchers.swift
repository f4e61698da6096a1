import Foundation

/// The regexes of `examples/vscode/tasks.json`, applied to output the way VS Code applies them:
/// a problem matcher's patterns line by line (a multi-line one on consecutive lines), and the
/// background task's begin and end patterns.
struct TaskMatchers {
    struct Problem: Equatable {
        var source: String
        var file: String
        var line: Int
        var column: Int
        var message: String
    }

    private var matchers: [[String: Any]] = []

    init() throws {
        let text = try String(contentsOfFile: Repository.root + "/examples/vscode/tasks.json", encoding: .utf8)
        // JSON with comments: VS Code reads tasks.json as JSONC.
        let json = text.split(separator: "\n").filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("//") }.joined(separator: "\n")
        let root = try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any]
        let task = (root?["tasks"] as? [[String: Any]])?.first
        matchers = task?["problemMatcher"] as? [[String: Any]] ?? []
    }

    /// The capture groups of `pattern` in `line`; nil when it does not match (or is no valid regex).
    static func groups(_ pattern: String, _ line: String) -> [String]? {
        let range = NSRange(line.startIndex..., in: line)
        guard let regex = try? NSRegularExpression(pattern: pattern), let match = regex.firstMatch(in: line, range: range) else { return nil }
        return (0..<match.numberOfRanges).map { index in
            Range(match.range(at: index), in: line).map { String(line[$0]) } ?? ""
        }
    }

    var background: (begins: String, ends: String) {
        let background = matchers.first?["background"] as? [String: Any]
        return (background?["beginsPattern"] as? String ?? "^$never", background?["endsPattern"] as? String ?? "^$never")
    }

    /// Every problem the matchers find in `lines`.
    func problems(in lines: [String]) -> [Problem] {
        var found: [Problem] = []
        for matcher in matchers {
            let source = matcher["source"] as? String ?? ""
            let patterns = (matcher["pattern"] as? [[String: Any]]) ?? [(matcher["pattern"] as? [String: Any]) ?? [:]]
            for start in lines.indices where start + patterns.count <= lines.count {
                var fields: [String: String] = [:]
                var matched = true
                for (offset, pattern) in patterns.enumerated() {
                    guard let groups = Self.groups(pattern["regexp"] as? String ?? "", lines[start + offset]) else {
                        matched = false
                        break
                    }
                    for key in ["file", "line", "column", "message"] {
                        if let index = pattern[key] as? Int, index < groups.count { fields[key] = groups[index] }
                    }
                }
                guard matched else { continue }
                found.append(Problem(
                    source: source, file: fields["file"] ?? "", line: Int(fields["line"] ?? "") ?? 0,
                    column: Int(fields["column"] ?? "") ?? 0, message: fields["message"] ?? ""))
            }
        }
        return found
    }

    /// The task's busy periods in `lines`: a begin starts one, a cycle's verdict ends it; the first
    /// start is busy from the beginning (activeBegin). How many ended, and what broke the rhythm.
    func busyCycles(in lines: [String]) -> (cycles: Int, mistakes: [String]) {
        let (begins, ends) = background
        var (busy, cycles, mistakes) = (true, 0, [String]())
        for line in lines {
            let begin = Self.groups(begins, line) != nil, end = Self.groups(ends, line) != nil
            if (begin || end) && (line.hasPrefix("[server]") || line.hasPrefix("[client]") || line.hasPrefix("[build]")) { mistakes.append("a child's line: \(line)") }
            if begin {
                if busy { mistakes.append("a begin while busy: \(line)") }
                busy = true
            }
            if end {
                if !busy { mistakes.append("an end while idle: \(line)") }
                busy = false
                cycles += 1
            }
        }
        if busy { mistakes.append("busy at the end") }
        return (cycles, mistakes)
    }
}
