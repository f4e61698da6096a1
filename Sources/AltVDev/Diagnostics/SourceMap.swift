import FoundationEssentials

/// A source map (version 3, as esbuild and tsc write it): which source line and column each
/// generated one came from. A pure value read from the map's bytes; a bad map is an error with
/// its position, never a crash.
public struct SourceMap: Equatable, Sendable {
    /// A place in a source, 1-based; `source` as the map names it, `sourceRoot` joined on.
    public struct Place: Equatable, Sendable {
        public var source: String
        public var line: Int
        public var column: Int
    }

    /// Where a generated column's code came from, all 0-based; `source` is -1 for a segment that maps nowhere.
    struct Segment: Equatable, Sendable {
        var generatedColumn: Int32
        var source: Int32
        var line: Int32
        var column: Int32
    }

    public let sources: [String?]
    /// One entry per generated line, each sorted by generated column.
    let lines: [[Segment]]

    /// No map is read beyond this: a bigger one is no map of a resource's bundle.
    public static let byteLimit = 64 << 20

    private struct Wire: Decodable {
        var version: Int
        var sources: [String?]?
        var sourceRoot: String?
        var mappings: String?
        var sections: [Section]?
        struct Section: Decodable {}
    }

    public static func parse(_ bytes: [UInt8]) throws(SourceMapError) -> SourceMap {
        guard bytes.count <= byteLimit else { throw SourceMapError("is \(bytes.count >> 20) MiB, more than the \(byteLimit >> 20) MiB a map may be") }
        let wire: Wire
        do {
            wire = try JSONDecoder().decode(Wire.self, from: Data(bytes))
        } catch {
            throw SourceMapError("is not JSON with a version: \(Self.describe(error))")
        }
        guard wire.version == 3 else { throw SourceMapError("has version \(wire.version); only version 3 is read") }
        guard wire.sections == nil else { throw SourceMapError("is an index map (sections), which is not read") }
        guard let mappings = wire.mappings else { throw SourceMapError("has no mappings") }
        let root = wire.sourceRoot.flatMap { $0.isEmpty ? nil : ($0.hasSuffix("/") ? $0 : $0 + "/") } ?? ""
        let sources = (wire.sources ?? []).map { $0.map { $0.hasPrefix("/") || root.isEmpty ? $0 : root + $0 } }
        return SourceMap(sources: sources, lines: try decode(Array(mappings.utf8), sourceCount: sources.count))
    }

    /// The source place of a generated one (1-based): the last segment at or before the column.
    public func place(line: Int, column: Int) -> Place? {
        guard line >= 1, line <= lines.count, column >= 1 else { return nil }
        let segments = lines[line - 1]
        let wanted = Int32(clamping: column - 1)
        // Binary search for the last segment whose generated column is ≤ wanted.
        var (low, high) = (0, segments.count)
        while low < high {
            let middle = (low + high) / 2
            if segments[middle].generatedColumn <= wanted { low = middle + 1 } else { high = middle }
        }
        guard low > 0, case let segment = segments[low - 1], segment.source >= 0, let source = sources[Int(segment.source)] else { return nil }
        return Place(source: source, line: Int(segment.line) + 1, column: Int(segment.column) + 1)
    }

    /// The `mappings` string: lines split by `;`, segments by `,`, each 1, 4 or 5 base64 VLQ
    /// fields, every field but the generated column relative to the same field before it.
    static func decode(_ mappings: [UInt8], sourceCount: Int) throws(SourceMapError) -> [[Segment]] {
        var lines: [[Segment]] = [[]]
        var (source, line, column) = (Int64(0), Int64(0), Int64(0))
        var generated = Int64(0)
        var fields: [Int64] = []
        var index = 0
        func fail(_ what: String) -> SourceMapError {
            SourceMapError("mappings, line \(lines.count), segment \(lines[lines.count - 1].count + 1) (byte \(index + 1)): \(what)")
        }
        func endSegment() throws(SourceMapError) {
            defer { fields.removeAll(keepingCapacity: true) }
            guard !fields.isEmpty else { return }
            guard [1, 4, 5].contains(fields.count) else { throw fail("\(fields.count) fields; a segment has 1, 4 or 5") }
            generated += fields[0]
            guard generated >= 0, generated <= Int64(Int32.max) else { throw fail("the generated column is \(generated)") }
            var segment = Segment(generatedColumn: Int32(generated), source: -1, line: 0, column: 0)
            if fields.count >= 4 {
                (source, line, column) = (source + fields[1], line + fields[2], column + fields[3])
                guard source >= 0, source < sourceCount else { throw fail("source \(source), but the map lists \(sourceCount)") }
                guard line >= 0, line <= Int64(Int32.max), column >= 0, column <= Int64(Int32.max) else {
                    throw fail("the source place is line \(line + 1), column \(column + 1)")
                }
                (segment.source, segment.line, segment.column) = (Int32(source), Int32(line), Int32(column))
            }
            lines[lines.count - 1].append(segment)
        }
        while index < mappings.count {
            let byte = mappings[index]
            switch byte {
            case UInt8(ascii: ";"):
                try endSegment()
                lines.append([])
                generated = 0
                index += 1
            case UInt8(ascii: ","):
                try endSegment()
                index += 1
            default:
                var value = Int64(0), shift = Int64(0)
                while true {
                    guard index < mappings.count, let digit = Self.base64Value(mappings[index]) else {
                        throw fail(index < mappings.count ? "\(Self.shown(mappings[index])) is not a base64 digit" : "the last value is cut off")
                    }
                    index += 1
                    guard shift <= 30 else { throw fail("a value longer than 32 bits") }
                    value |= Int64(digit & 31) << shift
                    shift += 5
                    if digit & 32 == 0 { break }
                }
                fields.append(value & 1 == 1 ? -(value >> 1) : value >> 1)
            }
        }
        try endSegment()
        for number in lines.indices where !lines[number].isSorted { lines[number].sort { $0.generatedColumn < $1.generatedColumn } }
        return lines
    }

    static func base64Value(_ byte: UInt8) -> Int64? {
        switch byte {
        case UInt8(ascii: "A")...UInt8(ascii: "Z"): Int64(byte - UInt8(ascii: "A"))
        case UInt8(ascii: "a")...UInt8(ascii: "z"): Int64(byte - UInt8(ascii: "a")) + 26
        case UInt8(ascii: "0")...UInt8(ascii: "9"): Int64(byte - UInt8(ascii: "0")) + 52
        case UInt8(ascii: "+"): 62
        case UInt8(ascii: "/"): 63
        default: nil
        }
    }

    static func shown(_ byte: UInt8) -> String {
        (32..<127).contains(byte) ? "'\(Character(Unicode.Scalar(byte)))'" : "byte 0x\(String(byte, radix: 16))"
    }

    /// The decoder's own words, which carry the place where it has one.
    static func describe(_ error: any Error) -> String {
        guard let decoding = error as? DecodingError else { return "\(error)" }
        switch decoding {
        case .dataCorrupted(let context), .typeMismatch(_, let context), .valueNotFound(_, let context):
            let path = context.codingPath.map(\.stringValue).joined(separator: ".")
            let words = context.underlyingError.map { "\($0)" } ?? context.debugDescription
            return path.isEmpty ? words : "\(path): \(words)"
        case .keyNotFound(let key, _):
            return "no \(key.stringValue)"
        @unknown default:
            return "\(error)"
        }
    }
}

extension Array where Element == SourceMap.Segment {
    var isSorted: Bool { zip(self, dropFirst()).allSatisfy { $0.generatedColumn <= $1.generatedColumn } }
}

public struct SourceMapError: Error, Equatable, Sendable, CustomStringConvertible {
    public let message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }
}
