/// Reads the server's output for its problems: `[Error]` lines, and Node's error blocks (`Error:
/// message` and its `    at …` frames), each placed at the first frame in a file. A pure value fed
/// one line at a time, escapes stripped and secrets masked; a line it does not know is no diagnostic.
public struct ServerDiagnostics: Sendable {
    /// An error block waiting for a frame with a place, and whether it has had one.
    private var open: (diagnostic: Diagnostic, placed: Bool)?
    public private(set) var count = 0
    /// The place of the frame the last line was, in a block: where a source map's place is shown.
    public private(set) var lastFrame: (file: String, line: Int, column: Int)?

    /// No server run reports more than this many (`Master server connect failed` comes every 10 s).
    public static let limit = 200
    /// FXServer's lines instead of alt:V's, when the server is one.
    private var fxServer: FXServerDiagnostics?

    public init() {}

    /// For FXServer's output: `folder` finds a resource's folder by its name, for `@res/file.lua`.
    public init(fxServerFolders folder: @escaping @Sendable (String) -> String?) {
        fxServer = FXServerDiagnostics(folder: folder)
    }

    /// Whether a block is open: the next lines must be read even where no chunk says `Error`.
    public var isInBlock: Bool { open != nil }

    /// Feeds one line; answers what it completes.
    public mutating func read(_ line: String) -> [Diagnostic] {
        lastFrame = nil
        guard line.utf8.count <= ToolDiagnostics.lineLimit else { return closeBlock(failedResource: nil) }
        if let fxServer { return counted(fxServer.read(line)) }
        if open != nil, let frame = Self.frame(line) {
            guard let (file, number, column) = frame else { return [] }
            lastFrame = (file, number, column)
            guard open?.placed == false else { return [] }
            open!.placed = true
            var diagnostic = open!.diagnostic
            (diagnostic.file, diagnostic.line, diagnostic.column) = (file, number, column)
            diagnostic.resource = Self.resource(in: file)
            return counted([diagnostic])
        }
        let logged = Self.errorLine(line)
        var done = closeBlock(failedResource: logged.flatMap(Self.failedResource))
        if let head = Self.errorHead(logged ?? line) {
            open = (Diagnostic(source: "server", severity: .error, message: head), false)
        } else if let logged {
            done += counted([Diagnostic(source: "server", resource: Self.failedResource(logged), severity: .error, message: logged)])
        }
        return done
    }

    /// The output ended: a block still open is said without a place.
    public mutating func finish() -> [Diagnostic] { closeBlock(failedResource: nil) }

    /// A block without a place is said when it ends; the `Failed to load resource X` that ends it names its resource.
    private mutating func closeBlock(failedResource: String?) -> [Diagnostic] {
        defer { open = nil }
        guard var diagnostic = open?.diagnostic, open?.placed == false else { return [] }
        diagnostic.resource = failedResource
        return counted([diagnostic])
    }

    private mutating func counted(_ diagnostics: [Diagnostic]) -> [Diagnostic] {
        let kept = Array(diagnostics.prefix(max(0, Self.limit - count)))
        count += kept.count
        return kept
    }

    /// `[12:42:21][Error] message` (the timestamp's format is the user's, so any bracketed groups before the level).
    static func errorLine(_ line: String) -> String? {
        var rest = line[...]
        while rest.hasPrefix("[") {
            guard let close = rest.firstIndex(of: "]") else { return nil }
            let group = rest[...close]
            rest = rest[rest.index(after: close)...]
            if group == "[Error]" {
                let message = rest.drop { $0 == " " }
                return message.isEmpty ? nil : String(message)
            }
        }
        return nil
    }

    /// `Error: boom`, `TypeError: x is not a function`, `Uncaught Error: …`: the head of Node's block.
    static func errorHead(_ line: String) -> String? {
        let text = line.hasPrefix("Uncaught ") ? line.dropFirst("Uncaught ".count) : line[...]
        guard let colon = text.firstRange(of: ": ") else { return nil }
        var name = text[..<colon.lowerBound]
        // Node's `Error [ERR_MODULE_NOT_FOUND]: …`.
        if name.hasSuffix("]"), let open = name.firstRange(of: " [") { name = name[..<open.lowerBound] }
        guard name.hasSuffix("Error"), name.first?.isUppercase == true, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else { return nil }
        return String(text)
    }

    /// `    at fn (file:///…/server.js:3:7)` or `    at file:///…/server.js:3:7`: nil when the line is
    /// no frame, `.some(nil)` for a frame with no file (`node:internal/…`, `<anonymous>`).
    static func frame(_ line: String) -> (String, Int, Int)?? {
        let trimmed = line.drop { $0 == " " || $0 == "\t" }
        guard trimmed.count < line.count, trimmed.hasPrefix("at ") else { return nil }
        var place = trimmed.dropFirst(3)
        if place.hasSuffix(")"), let open = place.lastIndex(of: "(") { place = place[place.index(after: open)..<place.index(before: place.endIndex)] }
        guard case (var path, let number, let column)? = Diagnostic.trailingPlace(place), number >= 1, column >= 1 else { return .some(nil) }
        if path.hasPrefix("file://") { path = percentDecoded(String(path.dropFirst("file://".count))) }
        return path.hasPrefix("/") ? .some((path, number, column)) : .some(nil)
    }

    /// `Failed to load resource X` / `No such resource X is loaded`: the resource the line names.
    static func failedResource(_ message: String) -> String? {
        for (before, after) in [("Failed to load resource ", nil as String?), ("No such resource ", " is loaded")] {
            guard let found = message.firstRange(of: before) else { continue }
            var name = message[found.upperBound...]
            if let after, let end = name.firstRange(of: after) { name = name[..<end.lowerBound] }
            let word = name.prefix { $0 != " " }
            return word.isEmpty ? nil : String(word)
        }
        return nil
    }

    /// The resource a bundled file belongs to: the folder after the last `resources/` in its path.
    static func resource(in path: String) -> String? {
        let folders = path.split(separator: "/")
        guard let index = folders.dropLast().lastIndex(of: "resources"), index + 1 < folders.count - 1 else { return nil }
        return String(folders[index + 1])
    }

    /// `%20` and the like in a file URL; a bad escape is kept as it is.
    static func percentDecoded(_ text: String) -> String {
        guard text.contains("%") else { return text }
        var bytes: [UInt8] = []
        var utf8 = Array(text.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "%"), utf8.count >= 2, let value = UInt8(String(decoding: utf8.prefix(2), as: UTF8.self), radix: 16) {
                bytes.append(value)
                utf8 = utf8.dropFirst(2)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

