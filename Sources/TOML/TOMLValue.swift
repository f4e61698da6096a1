/// A place in a TOML source: line and column counted from 1 (columns in characters), and the
/// byte offset counted from 0.
public struct TOMLPosition: Equatable, Hashable, Comparable, Sendable, CustomStringConvertible {
    public var line: Int
    public var column: Int
    public var offset: Int

    public init(line: Int, column: Int, offset: Int) {
        self.line = line
        self.column = column
        self.offset = offset
    }

    public static func < (a: TOMLPosition, b: TOMLPosition) -> Bool { a.offset < b.offset }

    public var description: String { "\(line):\(column)" }
}

/// Where a key or value stands: from its first character up to (not including) `end`.
public struct TOMLRange: Equatable, Hashable, Sendable {
    public var start: TOMLPosition
    public var end: TOMLPosition

    public init(start: TOMLPosition, end: TOMLPosition) {
        self.start = start
        self.end = end
    }
}

/// A TOML value; tables and arrays hold nodes, so every value inside them keeps its place.
public enum TOMLValue: Sendable {
    case string(String)
    case integer(Int)
    case float(Double)
    case boolean(Bool)
    case dateTime(TOMLDateTime)
    case array([TOMLNode])
    case table(TOMLTable)

    /// The type's name as a person would say it, for "expected …, found …".
    public var typeName: String {
        switch self {
        case .string: "a string"
        case .integer: "an integer"
        case .float: "a number"
        case .boolean: "a boolean"
        case .dateTime(let value): value.typeName
        case .array: "an array"
        case .table: "a table"
        }
    }

    public var string: String? { if case .string(let value) = self { value } else { nil } }
    public var integer: Int? { if case .integer(let value) = self { value } else { nil } }
    public var boolean: Bool? { if case .boolean(let value) = self { value } else { nil } }
    public var array: [TOMLNode]? { if case .array(let value) = self { value } else { nil } }
    public var table: TOMLTable? { if case .table(let value) = self { value } else { nil } }
}

/// A value with its place in the source, and the place of the key that named it (none for array elements).
public struct TOMLNode: Sendable {
    public var value: TOMLValue
    /// The value itself; for a table defined by a `[header]`, the whole header.
    public var range: TOMLRange
    /// The key that defined it (the last part of a dotted key, or the whole header); nil for array elements.
    public var keyRange: TOMLRange?

    public init(value: TOMLValue, range: TOMLRange, keyRange: TOMLRange? = nil) {
        self.value = value
        self.range = range
        self.keyRange = keyRange
    }
}

/// A table's entries in the order they were written.
public struct TOMLTable: Sendable {
    public private(set) var keys: [String] = []
    public private(set) var nodes: [String: TOMLNode] = [:]

    public init() {}

    public subscript(key: String) -> TOMLNode? { nodes[key] }

    public var isEmpty: Bool { keys.isEmpty }

    /// Adds or replaces `key`; the parser has already refused duplicates.
    public mutating func set(_ key: String, _ node: TOMLNode) {
        if nodes.updateValue(node, forKey: key) == nil { keys.append(key) }
    }
}

/// An offset date-time, local date-time, local date or local time, kept as written.
public struct TOMLDateTime: Equatable, Hashable, Sendable, CustomStringConvertible {
    public struct Date: Equatable, Hashable, Sendable {
        public var year: Int, month: Int, day: Int
    }

    public struct Time: Equatable, Hashable, Sendable {
        public var hour: Int, minute: Int, second: Int
        /// The fraction's digits as written ("5" in 07:32:00.5), empty when there is none.
        public var fraction: String
    }

    public var date: Date?
    public var time: Time?
    /// Minutes east of UTC; nil for local values.
    public var offsetMinutes: Int?
    /// `Z` (or `z`) rather than a numeric offset.
    public var isUTC: Bool

    public var typeName: String {
        switch (date != nil, time != nil, offsetMinutes != nil) {
        case (true, true, true): "a date-time"
        case (true, true, false): "a local date-time"
        case (true, false, _): "a local date"
        default: "a local time"
        }
    }

    /// RFC 3339 with an upper-case `T` and `Z`.
    public var description: String {
        func pad(_ value: Int, _ width: Int) -> String {
            let digits = String(value)
            return String(repeating: "0", count: max(0, width - digits.count)) + digits
        }
        var text = ""
        if let date { text += "\(pad(date.year, 4))-\(pad(date.month, 2))-\(pad(date.day, 2))" }
        if date != nil && time != nil { text += "T" }
        if let time {
            text += "\(pad(time.hour, 2)):\(pad(time.minute, 2)):\(pad(time.second, 2))"
            if !time.fraction.isEmpty { text += "." + time.fraction }
        }
        if let offsetMinutes {
            if isUTC {
                text += "Z"
            } else {
                let sign = offsetMinutes < 0 ? "-" : "+"
                text += "\(sign)\(pad(abs(offsetMinutes) / 60, 2)):\(pad(abs(offsetMinutes) % 60, 2))"
            }
        }
        return text
    }
}

/// Why a document is not TOML: where, what, and how to fix it when that is clear.
public struct TOMLError: Error, Equatable, Sendable, CustomStringConvertible {
    public var position: TOMLPosition
    public var message: String
    public var fix: String?

    public init(position: TOMLPosition, message: String, fix: String? = nil) {
        self.position = position
        self.message = message
        self.fix = fix
    }

    public var line: Int { position.line }
    public var column: Int { position.column }

    public var description: String {
        "\(position.line):\(position.column): \(message)" + (fix.map { "\n  fix: \($0)" } ?? "")
    }
}
