import FoundationEssentials

/// Checks beyond the file itself: what `altv-dev check` warns about.
public enum ConfigAdvisor {
    /// Problems that do not stop altv-dev but will likely bite: a missing program, a server not in debug mode.
    public static func warnings(for config: Config, environment: [String: String] = ProcessInfo.processInfo.environment) -> [String] {
        var warnings: [String] = []
        if let program = program(of: config.server.command), locate(program, cwd: config.server.cwd, environment: environment) == nil {
            warnings.append(
                "server.command: \(program) is not found (looked in \(program.contains("/") ? config.server.cwd : "$PATH")); "
                    + "fix the path, or install the server there")
        }
        if config.server.platform == .altv {
            warnings += serverTomlWarnings(config)
        } else if case let cfg = ServerCfg.path(command: config.server.command, cwd: config.server.cwd),
            FileManager.default.fileExists(atPath: cfg), let unwatched = unwatched(cfg, config: config)
        {
            // What server.cfg says is the FXServer doctor's (FXServerDoctor), with places.
            warnings.append(unwatched)
        }
        return warnings
    }

    /// alt:V's server config: watched, readable, and asking for the password the reconnect sends.
    static func serverTomlWarnings(_ config: Config) -> [String] {
        var warnings: [String] = []
        let serverToml = config.server.serverToml
        if FileManager.default.fileExists(atPath: serverToml), let unwatched = unwatched(serverToml, config: config) { warnings.append(unwatched) }
        // What a readable server.toml says is the alt:V doctor's (AltVDoctor), with places.
        switch ServerToml.read(at: serverToml) {
        case .success(let toml):
            if let mismatch = passwordMismatch(config, serverToml: toml) { warnings.append(mismatch) }
        case .failure(.invalid):
            break  // An error, not a warning: `serverConfigError`.
        case .failure(.unreadable) where !ServerCfg.read(at: FilePath.join(config.server.cwd, "server.cfg")).started.isEmpty:
            // `ensure`/`start` lines are FXServer's, which alt:V's config never had.
            warnings.append(
                "\(serverToml) is not there, but server.cfg ensures resources: that is FXServer's config (FiveM, RedM), not alt:V's; "
                    + "set [server] platform = \"fivem\" (or \"redm\") with a command that passes +exec server.cfg, or run `altv-dev init --force` here")
        case .failure(.unreadable) where FileManager.default.fileExists(atPath: FilePath.join(config.server.cwd, "server.cfg")):
            warnings.append(
                "\(serverToml) is not there, but server.cfg is: that is alt:V's config from before v13, which this server no longer reads; "
                    + "write server.toml with the same settings in TOML (resources = [...], debug = true)")
        case .failure(.unreadable):
            if config.reconnect.enabled {
                warnings.append("\(serverToml) is not readable; altv-dev cannot check debug = true or read the password from it")
            }
        }
        return warnings
    }

    /// The server's own config outside the watched folders: its saves do nothing.
    static func unwatched(_ file: String, config: Config) -> String? {
        guard !isWatched(file, config: config) else { return nil }
        let folder = PathFilter.relative(config.server.cwd, to: config.directory) ?? config.server.cwd
        return "\(file) is not watched: saving it does nothing until altv-dev restarts; "
            + "add its folder to [watch] paths, e.g. paths = [\"\(folder.isEmpty ? "." : folder)\"]"
    }

    /// The reconnect sends another password than the server asks for: the server will refuse the
    /// client. Said without either password.
    public static func passwordMismatch(_ config: Config, serverToml: ServerToml) -> String? {
        guard config.reconnect.enabled, let expected = serverToml.password, !expected.isEmpty,
            let sent = config.reconnect.password, sent.value != expected, let source = config.reconnect.passwordSource
        else { return nil }
        return "the reconnect password (\(source)) is not the one in server.toml: the server will refuse the game client; "
            + "use the same one, or set neither reconnect.password nor $\(config.reconnect.passwordEnv) to send server.toml's"
    }

    /// Inside a watched folder and not ignored.
    static func isWatched(_ path: String, config: Config) -> Bool {
        guard config.watch.paths.contains(where: { path == $0 || path.hasPrefix($0 + "/") || $0 == "/" }) else { return false }
        return !config.ignoreFilter.verdict(for: path, isDirectory: false).ignored
    }

    /// The program a command runs: the first word of a shell line, the first element of an array.
    static func program(of command: CommandSpec) -> String? {
        switch command {
        case .arguments(let arguments): arguments.first
        case .shell(let line): line.split(separator: " ").first.map(String.init)
        }
    }

    /// The executable's path, if it exists: relative paths from `cwd`, bare names from `$PATH`.
    public static func locate(_ program: String, cwd: String, environment: [String: String]) -> String? {
        if program.contains("/") {
            let path = FilePath.resolve(program, against: cwd)
            return FileManager.default.isExecutableFile(atPath: path) ? path : nil
        }
        for folder in (environment["PATH"] ?? "").split(separator: ":") {
            let path = FilePath.join(String(folder), program)
            if FileManager.default.isExecutableFile(atPath: path) { return path }
        }
        return nil
    }

    /// What a save at `path` would do, like `git check-ignore -v`: watched, ignored (by which
    /// rule, from which source) or outside the watched folders.
    public static func why(_ path: String, config: Config) -> String {
        if FilePath.absolute(path) == config.file { return "\(path): the config file: a save reloads it" }
        let shown = { (path: String) in PathFilter.relative(path, to: config.directory) ?? path }
        let cwd = FileManager.default.currentDirectoryPath
        guard let (absolute, link) = WatchedPath.find(path, roots: config.watch.paths, filter: config.ignoreFilter, cwd: cwd) else {
            return "\(path): not watched: outside [watch] paths (\(config.watch.paths.map(shown).joined(separator: ", ")))"
        }
        // The watcher names it by the link it reaches it through; so do the ignore rules and the plan.
        let through = link.map { " (through the symbolic link \(shown($0)), as \(shown(absolute)))" } ?? ""
        return "\(path): " + whyWatched(absolute, through: through, config: config)
    }

    /// A path under the watched folders: ignored by which rule, or watched and what a save runs.
    private static func whyWatched(_ absolute: String, through: String, config: Config) -> String {
        let verdict = config.ignoreFilter.verdict(for: absolute, isDirectory: FilePath.isDirectory(absolute))
        let relative = PathFilter.relative(absolute, to: config.directory) ?? absolute
        if verdict.ignored, let rule = verdict.rule {
            let via = verdict.matched.map { $0 == relative ? "" : " (its folder \($0)/ is ignored)" } ?? ""
            return "ignored by \(origin(of: rule)): \(rule.pattern)\(via)\(through)"
        }
        let how = noticing(absolute, config: config)
        let reincluded = verdict.rule.map { " (re-included by \(origin(of: $0)): \($0.pattern))" } ?? ""
        return "\(how)\(through)\(reincluded): a save → \(consequence(of: absolute, config: config))"
    }

    /// What the loop would do for a save of `path` with the server running, in the words of its `change:` line.
    static func consequence(of path: String, config: Config) -> String {
        let plan = Planner.plan(for: .changes(ChangeSet(paths: [path], firstEventAt: .now)), config: config, server: .running(pid: 1))
        return Narrator.consequence(PlanSummary(plan))
    }

    /// Where a rule was written: a built-in, the project's `.gitignore` (by line), or `[watch] ignore` (by entry).
    static func origin(of rule: IgnoreRule) -> String {
        switch rule.source {
        case "built-in": "built-in rule #\(rule.index)"
        case PathFilter.gitignoreSource: ".gitignore:\(rule.index) ([watch] gitignore = false leaves it out)"
        default: "\(rule.source) [watch] ignore #\(rule.index)"
        }
    }

    /// The server config (server.toml, or `--config`'s file) is invalid TOML: the server will not
    /// start, so `check` fails with it.
    public static func serverConfigError(for config: Config) -> String? {
        let file = config.server.serverToml
        guard config.server.platform == .altv, case .failure(.invalid(let error)) = ServerToml.read(at: file) else { return nil }
        return "\(file):\(error.line):\(error.column): \(error.message); the server will not start with it"
    }

    /// How a save at `path` is noticed under `[watch] backend`: watched (inotify), polled, or both.
    static func noticing(_ path: String, config: Config) -> String {
        let every = "polled every \(config.watch.pollInterval.humanReadable)"
        switch config.watch.backend {
        case .inotify: return "watched"
        case .poll: return "\(every) (backend = \"poll\")"
        case .auto:
            var folder = path
            while !FileManager.default.fileExists(atPath: folder), folder != "/" { folder = FilePath.parent(folder) }
            guard let blind = BlindFileSystem.of(folder) else { return "watched" }
            return "watched with inotify and \(every) (it is on \(blind): inotify misses writes made from the other side)"
        }
    }

    /// Facts about this machine worth saying at start: WSL2 and what it means for the reconnect.
    public static func notes(for config: Config, wsl: WSLEnvironment? = WSLEnvironment.detect()) -> [String] {
        guard let wsl, config.reconnect.enabled else { return [] }
        return [wsl.advice(reconnectURL: config.reconnect.url)]
    }
}
