/// One problem a tool or the server reported, at its place when it named one: the event stream's
/// `diagnostic`, for editors (Problems) and CI.
public struct Diagnostic: Equatable, Sendable {
    public enum Severity: String, Sendable {
        case error, warning
    }

    /// The stage's name, or `server`.
    public var source: String
    public var resource: String?
    /// As the tool printed it until the stage runner resolves it (absolute, then relative to the config's folder).
    public var file: String?
    public var line: Int?
    /// 1-based, whatever the tool counts from (esbuild prints 0-based columns).
    public var column: Int?
    public var severity: Severity
    public var message: String
    /// The tool's code: `TS2322`, `CS1002`.
    public var code: String?

    /// `path:line:column` at the end of `text` (a path may hold colons): the numbers as written, unchecked.
    static func trailingPlace(_ text: Substring) -> (file: String, line: Int, column: Int)? {
        let parts = text.split(separator: ":", omittingEmptySubsequences: false)
        guard parts.count >= 3, let column = Int(parts[parts.count - 1]), let line = Int(parts[parts.count - 2]) else { return nil }
        return (parts.dropLast(2).joined(separator: ":"), line, column)
    }

    public init(
        source: String, resource: String? = nil, file: String? = nil, line: Int? = nil, column: Int? = nil, severity: Severity, message: String,
        code: String? = nil
    ) {
        (self.source, self.resource, self.file, self.line, self.column) = (source, resource, file, line, column)
        (self.severity, self.message, self.code) = (severity, message, code)
    }
}
