import FoundationEssentials
import Glibc
import TOML

/// Reads `altv-dev.toml` into a `Config`, or says exactly what is wrong and where.
public enum ConfigLoader {
    public static let fileName = "altv-dev.toml"

    /// Loads and validates the config at `file` (absolute or relative to the current folder).
    public static func load(file: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws(ConfigError) -> Config {
        let path = FilePath.absolute(file)
        if FilePath.isDirectory(path) {
            throw ConfigError(
                file: path, message: "is a folder, not a config file",
                fix: "pass the file: --config \(FilePath.join(path, fileName))")
        }
        guard let data = try read(path) else {
            let exists = FileManager.default.fileExists(atPath: path)
            throw ConfigError(
                file: path, message: exists ? "cannot read the file" : "no such file",
                fix: exists ? "check its permissions" : "create it, or pass --config with the right path")
        }
        return try load(data: data, file: path, environment: environment)
    }

    /// A config is a page of settings: anything bigger is a mistake, refused before it is read
    /// (a 300 MB save once held the loop for tens of seconds at ~1 GB).
    public static let maximumSize = 1 << 20

    /// The file's bytes, nil when it cannot be read; refused when over `maximumSize`.
    public static func read(_ path: String) throws(ConfigError) -> Data? {
        var info = stat()
        if stat(path, &info) == 0, Int(info.st_size) > maximumSize {
            throw ConfigError(
                file: path, message: "is \(Int(info.st_size)) bytes; a config over \(maximumSize) bytes (1 MiB) is not read",
                fix: "keep altv-dev.toml to its settings; was another file saved over it?")
        }
        return FileManager.default.contents(atPath: path)
    }

    /// Validates the bytes of `file`, already read (hot reload reads them once and looks at them first).
    public static func load(data: Data, file: String, environment: [String: String]) throws(ConfigError) -> Config {
        guard let source = String(data: data, encoding: .utf8) else {
            // The parser finds the first byte that is not UTF-8, with its place.
            var place: TOMLPosition?
            do { _ = try TOMLParser.parse(bytes: Array(data)) } catch { place = error.position }
            throw ConfigError(file: file, line: place?.line ?? 1, column: place?.column ?? 1, message: "the file is not UTF-8 text", fix: "save it as UTF-8")
        }
        return try parse(source: source, file: file, environment: environment, checkPaths: true)
    }

    /// Nothing but white space: an emptied file, which hot reload treats as "keep the last good one".
    public static func isBlank(_ source: String) -> Bool {
        source.allSatisfy(\.isWhitespace)
    }

    /// Parses `source` as if read from `file`; relative paths resolve against the file's folder.
    /// With `checkPaths`, watched folders must exist (a pure parse leaves the file system alone).
    public static func parse(
        source: String, file: String, environment: [String: String] = [:], checkPaths: Bool = false
    ) throws(ConfigError) -> Config {
        if isBlank(source) {
            throw ConfigError(file: file, line: 1, column: 1, message: "the file is empty", fix: "add [server] and [watch] sections")
        }
        let root: TOMLTable
        do {
            root = try TOMLParser.parse(source)
        } catch {
            // The parser quotes what it could not read: on a line that sets a password, that is the password.
            if let key = secretKey(onLine: error.line, of: source) {
                throw ConfigError(
                    file: file, line: error.line, column: error.column, key: key,
                    message: "invalid TOML in the value of \(key) (not shown: it is a password)",
                    fix: "write it in quotes, password = \"…\", or keep it out of the file with password_env")
            }
            throw ConfigError(file: file, line: error.line, column: error.column, message: "invalid TOML: \(error.message)", fix: error.fix)
        }
        let start = TOMLPosition(line: 1, column: 1, offset: 0)
        let document = TableReader(
            node: TOMLNode(value: .table(root), range: TOMLRange(start: start, end: start)), path: [], file: file, environment: environment)
        return try ConfigSchema(document: document, file: file, environment: environment, checkPaths: checkPaths).config()
    }

    /// The key a line assigns when its last part is `password` (`password = …`, `reconnect.password = …`).
    static func secretKey(onLine line: Int, of source: String) -> String? {
        let lines = source.split(separator: "\n", omittingEmptySubsequences: false)
        guard line >= 1, line <= lines.count, let equals = lines[line - 1].firstIndex(of: "=") else { return nil }
        let key = lines[line - 1][..<equals].trimmingWhitespace()
        let last = key.split(separator: ".").last.map { $0.trimmingWhitespace().trimming { $0 == "\"" || $0 == "'" } } ?? ""
        return last == "password" ? String(key) : nil
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
///
/// Every key is read on its own, so one pass reports every problem in the file, not just the first.
struct ConfigSchema {
    /// The keys each table accepts; the JSON Schema and the example file are tested against this.
    static let keys: [String: [String]] = [
        "": ["server", "watch", "reconnect", "stage", "service", "notify"],
        "server": [
            "command", "cwd", "env", "ready", "ready_timeout", "stop_signal", "stop_timeout", "on_crash", "port", "on_change",
            "resources_dir", "output", "env_file", "platform",
        ],
        "watch": ["paths", "ignore", "debounce", "on_busy", "backend", "poll_interval", "gitignore"],
        "stage": ["name", "command", "cwd", "env", "when", "outputs", "timeout", "parallel", "output", "gate", "stop_first"],
        "service": ["name", "command", "cwd", "env", "ready", "ready_timeout", "output"],
        "reconnect": ["enabled", "url", "password", "password_env", "retry_interval", "timeout", "allow_remote", "command"],
        "notify": ["on"],
    ]

    let document: TableReader
    let file: String
    let environment: [String: String]
    let checkPaths: Bool
    let problems = Problems()

    var directory: String { FilePath.parent(file) }

    /// Collects problems while the rest of the file is still read.
    final class Problems {
        var errors: [ConfigError] = []

        func attempt<T>(_ fallback: T, _ read: () throws(ConfigError) -> T) -> T {
            do {
                return try read()
            } catch {
                errors.append(contentsOf: error.all)
                return fallback
            }
        }
    }

    func config() throws(ConfigError) -> Config {
        problems.attempt(()) { () throws(ConfigError) in try document.allowOnly(Self.keys[""]!) }
        let serverTable = problems.attempt(nil) { () throws(ConfigError) in try document.requiredTable("server") }
        let watchTable = problems.attempt(nil) { () throws(ConfigError) in try document.requiredTable("watch") }
        let reconnectTable = problems.attempt(nil) { () throws(ConfigError) in try document.optionalTable("reconnect") }
        let notifyTable = problems.attempt(nil) { () throws(ConfigError) in try document.optionalTable("notify") }
        let (read, serverToml) = serverSettings(serverTable ?? document.empty("server"), present: serverTable != nil)
        let watch = watchSettings(watchTable ?? document.empty("watch"), required: watchTable != nil)
        var server = read
        let reconnect = reconnectSettings(reconnectTable, serverToml: serverToml, envFile: server.envFile, platform: server.platform)
        // Children never get the password's variable from the file, as they do not get it from altv-dev's environment.
        server.envFile?.remove(reconnect.passwordEnv)
        let stageTables = problems.attempt([]) { () throws(ConfigError) in try document.tableArray("stage") }
        let serviceTables = problems.attempt([]) { () throws(ConfigError) in try document.tableArray("service") }
        var stages = stageTables.map(stageSettings)
        var services = serviceTables.map(serviceSettings)
        for index in stages.indices { stages[index].envFile = server.envFile }
        for index in services.indices { services[index].envFile = server.envFile }
        checkUniqueNames(stageTables, stages.map(\.name), kind: "stage")
        checkUniqueNames(serviceTables, services.map(\.name), kind: "service")
        let notify = notifySettings(notifyTable)
        if var first = problems.errors.first {
            first.additional = Array(problems.errors.dropFirst())
            throw first
        }
        return Config(
            file: file, directory: directory, server: server, watch: watch, reconnect: reconnect, stages: stages, services: services,
            notify: notify)
    }

    /// `name` is how output, reports and hot reload tell stages (or services) apart: it must be unique.
    private func checkUniqueNames(_ tables: [TableReader], _ names: [String], kind: String) {
        var first: [String: Int] = [:]
        for (offset, name) in names.enumerated() where !name.isEmpty {
            if let earlier = first[name] {
                let line = tables[earlier].error(at: "name", "").line.map { " on line \($0)" } ?? ""
                problems.errors.append(
                    tables[offset].error(at: "name", "another [[\(kind)]] is already named \"\(name)\"\(line)", fix: "give each \(kind) its own name"))
            } else {
                first[name] = offset
            }
        }
    }

    /// The parts `[[stage]]` and `[[service]]` share: a unique name, a command, where and with what it runs.
    private func companion(_ table: TableReader, kind: String) -> (name: String, command: CommandSpec, cwd: String, env: [String: String]) {
        let p = problems
        p.attempt(()) { () throws(ConfigError) in try table.allowOnly(Self.keys[kind]!) }
        let name = p.attempt("") { () throws(ConfigError) in
            guard let name = try table.string("name") else {
                throw table.error(at: nil, "missing required key \"name\" in [[\(kind)]]", fix: "add name = \"build\" (unique)")
            }
            guard !name.isEmpty, name.allSatisfy({ !$0.isWhitespace && !$0.isNewline }) else {
                throw table.error(at: "name", "\"\(name)\" is not a usable name", fix: "use a short word without spaces, e.g. \"build-core\"")
            }
            return name
        }
        let command = p.attempt(.arguments(["true"])) { () throws(ConfigError) in try table.command("command") }
        let cwd = FilePath.resolve(p.attempt(nil) { () throws(ConfigError) in try table.string("cwd") } ?? ".", against: directory)
        let env = p.attempt(nil) { () throws(ConfigError) in try table.stringTable("env") } ?? [:]
        return (name, command, cwd, env)
    }

    private func stageSettings(_ table: TableReader) -> StageSettings {
        let p = problems
        let (name, command, cwd, env) = companion(table, kind: "stage")
        let outputs = p.attempt(nil) { () throws(ConfigError) in try table.stringArray("outputs") }
        return StageSettings(
            name: name, command: command, cwd: cwd, env: env,
            when: p.attempt(nil) { () throws(ConfigError) in try table.stringArray("when") },
            outputs: outputs ?? [], writesNothing: outputs == [],
            timeout: p.attempt(nil) { () throws(ConfigError) in try table.duration("timeout") } ?? .seconds(600),
            parallel: p.attempt(nil) { () throws(ConfigError) in try table.bool("parallel") } ?? false,
            output: p.attempt(.pipe) { () throws(ConfigError) in try table.choice("output", default: OutputTransport.pipe) },
            gate: p.attempt(nil) { () throws(ConfigError) in try table.bool("gate") } ?? true,
            stopsFirst: p.attempt(nil) { () throws(ConfigError) in try table.bool("stop_first") } ?? false)
    }

    private func serviceSettings(_ table: TableReader) -> ServiceSettings {
        let p = problems
        let (name, command, cwd, env) = companion(table, kind: "service")
        let ready = p.attempt(nil) { () throws(ConfigError) -> String? in
            guard let pattern = try table.string("ready") else { return nil }
            do {
                _ = try Regex(pattern)
            } catch {
                throw table.regexError(at: "ready", pattern: pattern, message: "\(error)")
            }
            return pattern
        }
        return ServiceSettings(
            name: name, command: command, cwd: cwd, env: env, ready: ready,
            readyTimeout: p.attempt(nil) { () throws(ConfigError) in try table.duration("ready_timeout") } ?? .seconds(60),
            output: p.attempt(.pipe) { () throws(ConfigError) in try table.choice("output", default: OutputTransport.pipe) })
    }

    /// `present` is false for a missing [server]: its own error says so; its keys add none.
    /// Also returns the server's own server.toml (in `cwd`), read once for the port and password.
    private func serverSettings(_ table: TableReader, present: Bool) -> (ServerSettings, ServerToml) {
        let p = problems
        p.attempt(()) { () throws(ConfigError) in try table.allowOnly(Self.keys["server"]!) }
        let platform = p.attempt(.altv) { () throws(ConfigError) in try table.choice("platform", default: PlatformKind.altv) }
        let ready = p.attempt(platform.platform.defaultReady) { () throws(ConfigError) in
            let pattern = try table.string("ready") ?? platform.platform.defaultReady
            do {
                _ = try Regex(pattern)
            } catch {
                throw table.regexError(at: "ready", pattern: pattern, message: "\(error)")
            }
            return pattern
        }
        let stopSignal = p.attempt(StopSignal(name: "SIGINT")!) { () throws(ConfigError) in
            guard let name = try table.string("stop_signal") else { return StopSignal(name: "SIGINT")! }
            guard let signal = StopSignal(name: name) else {
                throw table.error(
                    at: "stop_signal", "unknown signal \"\(name)\"",
                    fix: "use one of " + StopSignal.known.map(\.0).joined(separator: ", "))
            }
            return signal
        }
        let onCrash = p.attempt(CrashPolicy.wait) { () throws(ConfigError) in
            guard let text = try table.string("on_crash") else { return .wait }
            guard let policy = CrashPolicy(rawValue: text) else {
                throw table.error(at: "on_crash", "expected \"wait\" or \"restart\", found \"\(text)\"", fix: "write on_crash = \"wait\" or \"restart\"")
            }
            return policy
        }
        let cwd = FilePath.resolve(p.attempt(nil) { () throws(ConfigError) in try table.string("cwd") } ?? ".", against: directory)
        let command = serverCommand(table, platform: platform, present: present)
        let serverToml = platform == .altv ? (try? ServerToml.read(at: ServerToml.path(command: command, cwd: cwd)).get()) ?? ServerToml() : ServerToml()
        let defaultPort = platform == .altv ? serverToml.port ?? 7788 : ServerCfg.read(at: ServerCfg.path(command: command, cwd: cwd)).port
        let port = p.attempt(nil) { () throws(ConfigError) -> Int? in
            guard let port = try table.integer("port") else { return nil }
            guard (1...65535).contains(port) else { throw table.error(at: "port", "\(port) is not a port", fix: "use 1 to 65535") }
            return port
        } ?? defaultPort
        let settings = ServerSettings(
            command: command,
            cwd: cwd,
            env: p.attempt(nil) { () throws(ConfigError) in try table.stringTable("env") } ?? [:],
            ready: ready,
            readyTimeout: p.attempt(nil) { () throws(ConfigError) in try table.duration("ready_timeout") } ?? .seconds(120),
            stopSignal: stopSignal,
            stopTimeout: p.attempt(nil) { () throws(ConfigError) in try table.duration("stop_timeout") } ?? .seconds(10),
            onCrash: onCrash,
            port: port,
            onChange: p.attempt(.restart) { () throws(ConfigError) in try table.choice("on_change", default: ChangePolicy.restart) },
            platform: platform,
            resourcesDir: FilePath.resolve(
                p.attempt(nil) { () throws(ConfigError) in try table.string("resources_dir") } ?? FilePath.join(cwd, "resources"),
                against: directory),
            output: p.attempt(.pty) { () throws(ConfigError) in try table.choice("output", default: OutputTransport.pty) },
            envFile: envFile(table))
        return (settings, serverToml)
    }

    /// `[server] command`; FXServer's must run a config, since without `+exec` it boots txAdmin's
    /// monitor instead of the server (Server.cpp).
    private func serverCommand(_ table: TableReader, platform: PlatformKind, present: Bool) -> CommandSpec {
        problems.attempt(CommandSpec.arguments(["./altv-server"])) { () throws(ConfigError) -> CommandSpec in
            guard present else { return .arguments(["./altv-server"]) }
            let command = try table.command("command")
            if platform != .altv, !command.words.contains("+exec") {
                throw table.error(
                    at: "command", "FXServer started without +exec runs txAdmin, not your server.cfg",
                    fix: "pass the config after the command: \"+exec\", \"server.cfg\"")
            }
            return command
        }
    }

    /// `env_file`, read now; with `checkPaths` off (a pure parse) only its path is known.
    private func envFile(_ table: TableReader) -> EnvFile? {
        problems.attempt(nil) { () throws(ConfigError) -> EnvFile? in
            guard let written = try table.string("env_file") else { return nil }
            let path = FilePath.resolve(written, against: directory)
            guard checkPaths else { return EnvFile(path: path) }
            do throws(ConfigError) {
                return try EnvFile.read(at: path)
            } catch {
                // The file cannot be read: said at the key that names it.
                if error.line == nil { throw table.error(at: "env_file", "\(path): \(error.message)", fix: error.fix ?? "") }
                throw error
            }
        }
    }

    private func watchSettings(_ table: TableReader, required: Bool) -> WatchSettings {
        let p = problems
        p.attempt(()) { () throws(ConfigError) in try table.allowOnly(Self.keys["watch"]!) }
        let paths = p.attempt([String]()) { () throws(ConfigError) in
            guard let paths = try table.stringArray("paths") else {
                if !required { return [] }
                throw table.error(at: nil, "missing required key \"paths\"", fix: "add paths = [\"resources\"] under [watch]")
            }
            if paths.isEmpty {
                throw table.error(at: "paths", "paths is empty: nothing would be watched", fix: "list at least one folder, e.g. [\"resources\"]")
            }
            for (offset, path) in paths.enumerated() {
                let absolute = FilePath.resolve(path, against: directory)
                // As air refuses: every file of the machine (or of the user) would be walked and watched.
                if absolute == "/" || absolute == environment["HOME"].map({ FilePath.standardized($0) }) {
                    throw table.error(
                        at: "paths.\(offset)", "\(absolute) is \(absolute == "/" ? "the whole file system" : "your home folder"): far too much to watch",
                        fix: "watch your server folder and sources, e.g. paths = [\".\"] with altv-dev.toml in the server folder")
                }
                guard checkPaths else { continue }
                guard FilePath.isDirectory(absolute) else {
                    throw table.error(
                        at: "paths.\(offset)", "\(absolute) is not a folder", fix: "create it, or fix the path (relative to \(directory))")
                }
            }
            return paths
        }
        return WatchSettings(
            paths: paths.map { FilePath.resolve($0, against: directory) },
            ignore: p.attempt(nil) { () throws(ConfigError) in try table.stringArray("ignore") } ?? ["node_modules/", "*.log"],
            debounce: p.attempt(nil) { () throws(ConfigError) in try table.duration("debounce") } ?? .milliseconds(30),
            onBusy: p.attempt(.restart) { () throws(ConfigError) in try table.choice("on_busy", default: BusyPolicy.restart) },
            backend: p.attempt(.auto) { () throws(ConfigError) in try table.choice("backend", default: WatchBackend.auto) },
            pollInterval: p.attempt(nil) { () throws(ConfigError) in
                guard let interval = try table.duration("poll_interval") else { return nil }
                guard interval >= .milliseconds(10) else {
                    throw table.error(at: "poll_interval", "a poll every \(interval.humanReadable) would keep a core busy", fix: "use \"100ms\" or more")
                }
                return interval
            } ?? .milliseconds(500),
            gitignore: p.attempt(nil) { () throws(ConfigError) in try table.bool("gitignore") } ?? true)
    }

    /// `password_env`, then the variables holding a password (too short a one matches ordinary values, so not those).
    static func secretVariables(in environment: [String: String], passwordEnv: String, passwords: [String?]) -> [String] {
        let known = Set(passwords.compactMap { $0 }.filter { $0.utf8.count >= Redactor.minimumLength })
        return [passwordEnv] + environment.filter { $0.key != passwordEnv && known.contains($0.value) }.keys.sorted()
    }

    private func notifySettings(_ table: TableReader?) -> NotifySettings {
        guard let table else { return NotifySettings() }
        problems.attempt(()) { () throws(ConfigError) in try table.allowOnly(Self.keys["notify"]!) }
        return problems.attempt(NotifySettings()) { () throws(ConfigError) in
            var verdicts: [NotifySettings.Verdict] = []
            for (offset, word) in (try table.stringArray("on") ?? []).enumerated() {
                guard let verdict = NotifySettings.Verdict(rawValue: word) else {
                    throw table.error(at: "on.\(offset)", "\(ConfigPrinter.quote(word)) is not a verdict to notify", fix: "write on = [\"failed\"] or on = [\"failed\", \"ok\"]")
                }
                if !verdicts.contains(verdict) { verdicts.append(verdict) }
            }
            return NotifySettings(on: verdicts)
        }
    }

    /// The debug endpoint is alt:V's: FXServer's clients have none (shared/fivem/README.md §5), so it is off there unless asked for.
    private func reconnectSettings(_ table: TableReader?, serverToml: ServerToml, envFile: EnvFile?, platform: PlatformKind) -> ReconnectSettings {
        let p = problems
        if let table { p.attempt(()) { () throws(ConfigError) in try table.allowOnly(Self.keys["reconnect"]!) } }
        let allowRemote = p.attempt(nil) { () throws(ConfigError) in try table?.bool("allow_remote") } ?? false
        let url = p.attempt(EndpointAddress.defaultURL) { () throws(ConfigError) in
            let url = try table?.string("url") ?? EndpointAddress.defaultURL
            guard let table else { return url }
            do throws(EndpointAddress.Problem) {
                return try EndpointAddress(url, allowRemote: allowRemote).url
            } catch {
                throw table.error(at: "url", error.message, fix: error.fix)
            }
        }
        let passwordEnv = p.attempt(nil) { () throws(ConfigError) in try table?.string("password_env") } ?? "ALTV_SERVER_PASSWORD"
        var password: Secret?
        var source: String?
        if let value = p.attempt(nil, { () throws(ConfigError) in try table?.string("password") }) {
            password = Secret(value)
            source = "reconnect.password in \(FilePath.name(file))"
        } else if let value = envFile?.values[passwordEnv] {
            password = Secret(value)
            source = "\(passwordEnv) in \(FilePath.name(envFile?.path ?? ""))"
        } else if let value = environment[passwordEnv] {
            password = Secret(value)
            source = "$\(passwordEnv)"
        } else if let value = serverToml.password {
            password = Secret(value)
            source = "password in server.toml"
        }
        let command = p.attempt(nil) { () throws(ConfigError) -> CommandSpec? in
            guard let table, table.entries["command"] != nil else { return nil }
            return try table.command("command")
        }
        return ReconnectSettings(
            enabled: p.attempt(nil) { () throws(ConfigError) in try table?.bool("enabled") } ?? (platform == .altv || command != nil),
            url: url,
            password: password,
            passwordSource: source,
            passwordEnv: passwordEnv,
            retryInterval: p.attempt(nil) { () throws(ConfigError) in try table?.duration("retry_interval") } ?? .milliseconds(2500),
            timeout: p.attempt(nil) { () throws(ConfigError) in try table?.duration("timeout") } ?? .seconds(60),
            allowRemote: allowRemote,
            command: command,
            otherPasswords: [serverToml.password, envFile?.values[passwordEnv], environment[passwordEnv]].compactMap { $0 }.map(Secret.init),
            secretVariables: Self.secretVariables(in: environment, passwordEnv: passwordEnv, passwords: [password?.value, serverToml.password]))
    }
}

/// Path helpers that keep relative paths relative to the config file, not the shell.
public enum FilePath {
    public static func absolute(_ path: String) -> String {
        resolve(path, against: FileManager.default.currentDirectoryPath)
    }

    public static func resolve(_ path: String, against directory: String) -> String {
        let joined = path.hasPrefix("/") ? path : FilePath.join(directory, path)
        return FilePath.standardized(joined)
    }
}
