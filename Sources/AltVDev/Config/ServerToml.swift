import FoundationEssentials
import TOML

/// The keys of alt:V's own `server.toml` that altv-dev and its simulator care about, read once.
public struct ServerToml: Equatable, Sendable {
    public var name: String?
    public var host: String?
    public var port: Int?
    public var password: String?
    public var debug: Bool?
    public var resources: [String] = []

    public init(
        name: String? = nil, host: String? = nil, port: Int? = nil, password: String? = nil, debug: Bool? = nil,
        resources: [String] = []
    ) {
        self.name = name
        self.host = host
        self.port = port
        self.password = password
        self.debug = debug
        self.resources = resources
    }

    /// Why a `server.toml` could not be used.
    public enum Failure: Error, Equatable, Sendable {
        case unreadable
        case invalid(TOMLError)
    }

    public static func path(in directory: String) -> String {
        FilePath.join(directory, "server.toml")
    }

    /// The file a server started by `command` in `cwd` reads: `--config FILE` (or `--config=FILE`)
    /// when the command passes one, else `server.toml` there.
    public static func path(command: CommandSpec, cwd: String) -> String {
        let words = command.words
        for (index, word) in words.enumerated() {
            if word == "--config", index + 1 < words.count { return FilePath.resolve(words[index + 1], against: cwd) }
            if word.hasPrefix("--config=") { return FilePath.resolve(String(word.dropFirst("--config=".count)), against: cwd) }
        }
        return path(in: cwd)
    }

    /// Reads `server.toml` in `directory`.
    public static func read(in directory: String) -> Result<ServerToml, Failure> {
        read(at: path(in: directory))
    }

    /// Reads the server config at `path`.
    public static func read(at path: String) -> Result<ServerToml, Failure> {
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else { return .failure(.unreadable) }
        do {
            let table = try TOMLParser.parse(text)
            return .success(ServerToml(
                name: table["name"]?.value.string, host: table["host"]?.value.string, port: table["port"]?.value.integer,
                password: table["password"]?.value.string, debug: table["debug"]?.value.boolean,
                resources: table["resources"]?.value.array?.compactMap { $0.value.string } ?? []))
        } catch {
            return .failure(.invalid(error))
        }
    }
}
