import FoundationEssentials

/// FXServer's `server.cfg` read for what altv-dev needs (`shared/fivem/README.md` §3): the
/// resources it `ensure`s or `start`s, its `set`/`sets`/`setr` and bare convar lines, its TCP
/// endpoint, each with its file and line, `exec` includes followed (`exec other.cfg`,
/// `exec @resource/file.cfg`), once each.
public struct ServerCfg: Equatable, Sendable {
    public struct Place: Equatable, Sendable, CustomStringConvertible {
        public var file: String
        public var line: Int
        public var description: String { "\(file):\(line)" }
    }

    /// `ensure`/`start` lines, in the order the server runs them.
    public var started: [(name: String, place: Place)] = []
    public var variables: [String: String] = [:]
    public var endpoints: [String] = []
    /// `exec` files that could not be read, where they were named.
    public var missing: [(file: String, place: Place)] = []

    public static func == (a: ServerCfg, b: ServerCfg) -> Bool {
        a.started.map(\.name) == b.started.map(\.name) && a.variables == b.variables && a.endpoints == b.endpoints
            && a.missing.map(\.file) == b.missing.map(\.file)
    }

    /// The game port: the first `endpoint_add_tcp`'s, else FXServer's 30120.
    public var port: Int {
        endpoints.lazy.compactMap { endpoint in endpoint.split(separator: ":").last.flatMap { Int($0) } }.first ?? 30120
    }

    /// The file a server started by `command` in `cwd` runs: the one after `+exec`, else `server.cfg` there.
    public static func path(command: CommandSpec, cwd: String) -> String {
        let words = command.words
        for (index, word) in words.enumerated() where word == "+exec" && index + 1 < words.count {
            return FilePath.resolve(words[index + 1], against: cwd)
        }
        return FilePath.join(cwd, "server.cfg")
    }

    /// Reads `path`; `resourceFolder` finds `@name/…` includes. An unreadable top file reads as empty.
    public static func read(at path: String, resourceFolder: (String) -> String? = { _ in nil }) -> ServerCfg {
        var cfg = ServerCfg()
        var seen: Set<String> = []
        cfg.include(path, from: nil, seen: &seen, resourceFolder: resourceFolder)
        return cfg
    }

    private mutating func include(_ path: String, from place: Place?, seen: inout Set<String>, resourceFolder: (String) -> String?) {
        guard seen.insert(path).inserted, seen.count <= 64 else { return }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            if let place { missing.append((path, place)) }
            return
        }
        let directory = FilePath.parent(path)
        for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
            let words = Self.words(line)
            guard let command = words.first?.lowercased() else { continue }
            let here = Place(file: path, line: index + 1)
            let argument = words.count > 1 ? words[1] : nil
            switch command {
            case "ensure", "start": if let argument { started.append((argument, here)) }
            case "exec":
                guard let argument else { continue }
                include(Self.includePath(argument, from: directory, resourceFolder: resourceFolder), from: here, seen: &seen, resourceFolder: resourceFolder)
            case "set", "sets", "setr": if words.count >= 3 { variables[words[1]] = words[2...].joined(separator: " ") }
            case "endpoint_add_tcp": if let argument { endpoints.append(argument) }
            default: if words.count == 2, command.hasPrefix("sv_") { variables[words[0]] = words[1] }
            }
        }
    }

    /// `@resource/file.cfg` in that resource's folder; anything else beside the including file.
    public static func includePath(_ file: String, from directory: String, resourceFolder: (String) -> String?) -> String {
        guard file.hasPrefix("@"), let slash = file.firstIndex(of: "/") else { return FilePath.resolve(file, against: directory) }
        let name = String(file[file.index(after: file.startIndex)..<slash])
        return FilePath.join(resourceFolder(name) ?? FilePath.join(directory, name), String(file[file.index(after: slash)...]))
    }

    /// A line's words: `#` and `//` start a comment, "quoted words" keep their spaces.
    public static func words(_ line: Substring) -> [String] {
        var words: [String] = []
        var word = ""
        var quoted = false
        var previous: Character = " "
        for character in line {
            if !quoted, character == "#" || (character == "/" && previous == "/") {
                if character == "/" { word.removeLast() }
                break
            }
            previous = character
            if character == "\"" {
                quoted.toggle()
            } else if !quoted, character.isWhitespace {
                if !word.isEmpty { words.append(word) }
                word = ""
            } else {
                word.append(character)
            }
        }
        if !word.isEmpty { words.append(word) }
        return words
    }
}
