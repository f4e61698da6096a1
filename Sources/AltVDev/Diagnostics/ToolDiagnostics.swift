import FoundationEssentials

/// Reads a stage's output line by line for the problems tsc, esbuild and the C# compiler print,
/// each at its file, line and 1-based column. A pure value fed one line at a time (esbuild's
/// message and place are lines apart); a line it does not know is no diagnostic, never an error.
public struct ToolDiagnostics: Sendable {
    public let source: String
    public private(set) var found: [Diagnostic] = []
    /// An esbuild message waiting for its place line, and how many lines it has waited.
    private var pending: (Diagnostic, waited: Int)?

    /// No stage reports more than this many to the events; the rest would only flood them.
    public static let limit = 200
    /// A line longer than this is no tool's diagnostic line (a minified bundle printed, say).
    static let lineLimit = 4096

    public init(source: String) { self.source = source }

    /// Feeds one line, escapes already stripped and without its newline.
    public mutating func read(_ line: String) {
        guard line.utf8.count <= Self.lineLimit else { return }
        if var (waiting, waited) = pending {
            if let (file, number, column) = Self.esbuildPlace(line) {
                (waiting.file, waiting.line, waiting.column) = (file, number, column + 1)
                pending = nil
                add(waiting)
                return
            }
            waited += 1
            // esbuild puts the place two lines below its message; a message without one ends there.
            if waited > 2 || Self.esbuildMessage(line, source: source) != nil {
                pending = nil
                add(waiting)
            } else {
                pending = (waiting, waited)
                return
            }
        }
        if let message = Self.esbuildMessage(line, source: source) {
            pending = (message, 0)
        } else if let diagnostic = Self.compilerLine(line, source: source) {
            add(diagnostic)
        }
    }

    /// The output ended: an esbuild message still waiting is kept without a place.
    public mutating func finish() {
        if let (waiting, _) = pending { add(waiting) }
        pending = nil
    }

    private mutating func add(_ diagnostic: Diagnostic) {
        // MSBuild says each error again in its summary.
        guard found.count < Self.limit, !found.contains(diagnostic) else { return }
        found.append(diagnostic)
    }

    /// `✘ [ERROR] message` / `▲ [WARNING] message`.
    static func esbuildMessage(_ line: String, source: String) -> Diagnostic? {
        let trimmed = line.drop { $0 == " " }
        for (mark, severity) in [("✘ [ERROR] ", Diagnostic.Severity.error), ("▲ [WARNING] ", .warning)] where trimmed.hasPrefix(mark) {
            return Diagnostic(source: source, severity: severity, message: String(trimmed.dropFirst(mark.count)))
        }
        return nil
    }

    /// `    src/b.ts:2:6:` (esbuild's place line, its column 0-based).
    static func esbuildPlace(_ line: String) -> (String, Int, Int)? {
        guard line.hasPrefix(" "), line.hasSuffix(":") else { return nil }
        guard let (file, number, column) = Diagnostic.trailingPlace(line.trimmingWhitespace().dropLast()), number >= 1, column >= 0 else { return nil }
        return file.isEmpty ? nil : (file, number, column)
    }

    /// tsc and the C# compiler: `file(line,col): error CODE: message` (MSBuild adds ` [project]`);
    /// tsc --pretty: `file:line:col - error CODE: message`.
    static func compilerLine(_ line: String, source: String) -> Diagnostic? {
        for severity in [Diagnostic.Severity.error, .warning] {
            if let found = line.firstRange(of: "): \(severity.rawValue) ") {
                let head = line[..<found.lowerBound]
                guard let open = head.lastIndex(of: "(") else { continue }
                let numbers = head[head.index(after: open)...].split(separator: ",")
                guard numbers.count == 2, let number = Int(numbers[0]), let column = Int(numbers[1]) else { continue }
                return finish(file: String(head[..<open]), number, column, severity, rest: line[found.upperBound...], source: source)
            }
            if let found = line.firstRange(of: " - \(severity.rawValue) ") {
                guard let (file, number, column) = Diagnostic.trailingPlace(line[..<found.lowerBound]) else { continue }
                return finish(file: file, number, column, severity, rest: line[found.upperBound...], source: source)
            }
        }
        return nil
    }

    private static func finish(file: String, _ number: Int, _ column: Int, _ severity: Diagnostic.Severity, rest: Substring, source: String) -> Diagnostic? {
        guard !file.isEmpty, number >= 1, column >= 1, let colon = rest.firstRange(of: ": ") else { return nil }
        let code = rest[..<colon.lowerBound]
        guard !code.isEmpty, code.allSatisfy({ $0.isLetter || $0.isNumber }), code.contains(where: { $0.isNumber }) else { return nil }
        var message = rest[colon.upperBound...]
        // MSBuild's ` [/path/project.csproj]`: the project, not the message.
        if message.hasSuffix("]"), let open = message.lastIndex(of: "["), open > message.startIndex, message[message.index(before: open)] == " " {
            message = message[..<message.index(before: open)]
        }
        return Diagnostic(
            source: source, file: file.trimmingWhitespace(), line: number, column: column, severity: severity, message: String(message), code: String(code))
    }
}
