import Foundation
import TOMLKit

/// Reads `altv-dev.toml` into a `Config`, or says exactly what is wrong and where.
public enum ConfigLoader {
    public static let fileName = "altv-dev.toml"

    /// Loads and validates the config at `file` (absolute or relative to the current folder).
    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> Config {
        let path = FilePath.absolute(file)
        guard let data = FileManager.default.contents(atPath: path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigError(
                file: path, message: exists ? "cannot read the file" : "no such file",
                fix: exists ? "check its permissions" : "create it, or pass --config with the right path")
        }
        guard let source = String(data: data, encoding: .utf8) else {
            throw ConfigError(file: path, message: "the file is not UTF-8 text", fix: "save it as UTF-8")
        }
        return try parse(source: source, file: path, environment: environment)
    }

    /// Parses `source` as if read from `file`; relative paths resolve against the file's folder.
    public static func parse(source: String, file: String, environment: [String: String] = [:]) throws(ConfigError) -> Config {
        let root: TOMLTable
        do {
            root = try TOMLTable(string: source)
        } catch let error as TOMLParseError {
            throw ConfigError(
                file: file, line: error.source.begin.line, column: error.source.begin.column,
                message: "invalid TOML: \(error.description)")
        } catch {
            throw ConfigError(file: file, message: "invalid TOML: \(error)")
        }
        let document = TableReader(
            node: TOMLNode(root), path: [], file: file, locator: TOMLKeyLocator(source: source))
        return try ConfigSchema(document: document, file: file, environment: environment).config()
    }

    /// `explicit` if given, else `altv-dev.toml` in `folder` or the nearest parent that has one.
    public static func locate(explicit: String?, from folder: String = FileManager.default.currentDirectoryPath) -> String? {
        if let explicit { return FilePath.absolute(explicit) }
        var directory = URL(fileURLWithPath: folder).standardizedFileURL
        while true {
            let candidate = directory.appendingPathComponent(fileName).path
            if FileManager.default.fileExists(atPath: candidate) { return candidate }
            let parent = directory.deletingLastPathComponent()
            if parent.path == directory.path { return nil }
            directory = parent
        }
    }
}

/// The schema of `altv-dev.toml` v1: keys, types, defaults and cross-checks.
struct ConfigSchema {
    let document: TableReader
    let file: String
    let environment: [String: String]

    var directory: String { (file as NSString).deletingLastPathComponent }

    func config() throws(ConfigError) -> Config {
        try document.allowOnly(["server", "watch", "reconnect"])
        let server = try serverSettings(try document.requiredTable("server"))
        let watch = try watchSettings(try document.requiredTable("watch"))
        let reconnect = try reconnectSettings(try document.optionalTable("reconnect"), serverDirectory: server.cwd)
        return Config(file: file, directory: directory, server: server, watch: watch, reconnect: reconnect)
    }

    private func serverSettings(_ table: TableReader) throws(ConfigError) -> ServerSettings {
        try table.allowOnly(["command", "cwd", "env", "ready", "ready_timeout", "stop_signal", "stop_timeout"])
        let ready = try table.string("ready") ?? "Server started"
        do {
            _ = try Regex(ready)
        } catch {
            throw table.error(at: "ready", "invalid regular expression: \(error)", fix: "escape special characters with \\ or fix the pattern")
        }
        var stopSignal = StopSignal(name: "SIGINT")!
        if let name = try table.string("stop_signal") {
            guard let signal = StopSignal(name: name) else {
                throw table.error(
                    at: "stop_signal", "unknown signal \"\(name)\"",
                    fix: "use one of " + StopSignal.known.map(\.0).joined(separator: ", "))
            }
            stopSignal = signal
        }
        return ServerSettings(
            command: try table.command("command"),
            cwd: FilePath.resolve(try table.string("cwd") ?? ".", against: directory),
            env: try table.stringTable("env") ?? [:],
            ready: ready,
            readyTimeout: try table.duration("ready_timeout") ?? .seconds(120),
            stopSignal: stopSignal,
            stopTimeout: try table.duration("stop_timeout") ?? .seconds(10))
    }

    private func watchSettings(_ table: TableReader) throws(ConfigError) -> WatchSettings {
        try table.allowOnly(["paths", "ignore", "debounce"])
        guard let paths = try table.stringArray("paths") else {
            throw table.error(at: nil, "missing required key \"paths\"", fix: "add paths = [\"resources\"] under [watch]")
        }
        if paths.isEmpty {
            throw table.error(at: "paths", "paths is empty: nothing would be watched", fix: "list at least one folder, e.g. [\"resources\"]")
        }
        return WatchSettings(
            paths: paths.map { FilePath.resolve($0, against: directory) },
            ignore: try table.stringArray("ignore") ?? ["node_modules/", "*.log"],
            debounce: try table.duration("debounce") ?? .milliseconds(100))
    }

    private func reconnectSettings(_ table: TableReader?, serverDirectory: String) throws(ConfigError) -> ReconnectSettings {
        try table?.allowOnly(["enabled", "url", "password", "password_env", "retry_interval", "timeout"])
        let url = try table?.string("url") ?? "http://127.0.0.1:9223"
        if let table, URLComponents(string: url)?.host == nil || !(url.hasPrefix("http://") || url.hasPrefix("https://")) {
            throw table.error(at: "url", "\"\(url)\" is not an http URL", fix: "write it like \"http://127.0.0.1:9223\"")
        }
        let passwordEnv = try table?.string("password_env") ?? "ALTV_SERVER_PASSWORD"
        var password: Secret?
        var source: String?
        if let value = try table?.string("password") {
            password = Secret(value)
            source = "reconnect.password in \((file as NSString).lastPathComponent)"
        } else if let value = environment[passwordEnv] {
            password = Secret(value)
            source = "$\(passwordEnv)"
        } else if let value = Self.serverTomlPassword(in: serverDirectory) {
            password = Secret(value)
            source = "password in server.toml"
        }
        return ReconnectSettings(
            enabled: try table?.bool("enabled") ?? true,
            url: url.hasSuffix("/") ? String(url.dropLast()) : url,
            password: password,
            passwordSource: source,
            passwordEnv: passwordEnv,
            retryInterval: try table?.duration("retry_interval") ?? .milliseconds(2500),
            timeout: try table?.duration("timeout") ?? .seconds(60))
    }

    /// The `password` key of the server's own `server.toml`, if there is one to read.
    static func serverTomlPassword(in directory: String) -> String? {
        let path = (directory as NSString).appendingPathComponent("server.toml")
        guard let data = FileManager.default.contents(atPath: path),
            let text = String(data: data, encoding: .utf8),
            let table = try? TOMLTable(string: text)
        else { return nil }
        return table["password"]?.string
    }
}

/// Path helpers that keep relative paths relative to the config file, not the shell.
enum FilePath {
    static func absolute(_ path: String) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath)
    }

    static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : (directory as NSString).appendingPathComponent(path)
        return (joined as NSString).standardizingPath
    }
}
