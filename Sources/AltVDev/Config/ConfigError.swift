/// A problem in a config file, placed so a person can jump to it and fix it.
public struct ConfigError: Error, Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int?
    public var column: Int?
    public var key: String?
    public var message: String
    public var fix: String?
    /// Further problems found in the same file, when there were several.
    public var additional: [ConfigError] = []

    /// This problem and every additional one.
    public var all: [ConfigError] {
        var first = self
        first.additional = []
        return [first] + additional
    }

    public init(file: String, line: Int? = nil, column: Int? = nil, key: String? = nil, message: String, fix: String? = nil) {
        self.file = file
        self.line = line
        self.column = column
        self.key = key
        self.message = message
        self.fix = fix
    }

    /// `file:line:column: error: key: message`, the shape editors and terminals turn into links,
    /// then the fix; one such block per problem.
    public var description: String {
        all.map(\.single).joined(separator: "\n")
    }

    private var single: String {
        var place = file
        if let line { place += ":\(line)" }
        if let column { place += ":\(column)" }
        var text = "\(place): error: "
        if let key { text += "\(key): " }
        text += message
        if let fix { text += "\n  fix: \(fix)" }
        return text
    }
}
