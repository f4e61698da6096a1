import Glibc

/// The resolved `altv-dev.toml`: every default filled in, every path absolute.
public struct Config: Equatable, Sendable {
    /// The config file's absolute path.
    public var file: String
    /// The folder relative paths are resolved against.
    public var directory: String
    public var server: ServerSettings
    public var watch: WatchSettings
    public var reconnect: ReconnectSettings
    /// `[[stage]]`, in the order written.
    public var stages: [StageSettings] = []
    /// `[[service]]`, in the order written.
    public var services: [ServiceSettings] = []
    /// `[notify]`: which verdicts ring the bell and reach the desktop.
    public var notify = NotifySettings()

    /// Every password altv-dev knows (the reconnect password, server.toml's): masked wherever they would be printed.
    public var secrets: [String] {
        var secrets: [String] = []
        for secret in ([reconnect.password].compactMap { $0 } + reconnect.otherPasswords).map(\.value) where !secrets.contains(secret) {
            secrets.append(secret)
        }
        return secrets
    }

    /// The config file and the files it reads: a save of any of them reloads it.
    public var filesRead: [String] { [file] + (server.envFile.map { [$0.path] } ?? []) }
}

/// `[[stage]]`: a command run before the server restarts, when the change set concerns it.
public struct StageSettings: Equatable, Sendable {
    public var name: String
    public var command: CommandSpec
    /// Absolute.
    public var cwd: String
    public var env: [String: String]
    /// gitignore-style globs relative to the config's folder; nil runs the stage on every change set.
    public var when: [String]?
    /// What the stage writes: events there during its run start no new cycle.
    public var outputs: [String]
    /// `outputs = []` written out: the stage writes nothing (a type check, a linter), so under
    /// `restart-resources` it never forces a full restart. Left out, the stage may write anywhere.
    public var writesNothing = false
    public var timeout: Duration
    /// Runs at the same time as the stage written before it.
    public var parallel: Bool
    public var output: OutputTransport = .pipe
    /// `gate = false`: a check (a type check beside the build). It runs beside the cycle, which
    /// neither waits for it nor fails with it; its verdict comes when it ends.
    public var gate = true
    /// `stop_first = true`: the server is stopped before the stage runs (it overwrites what the
    /// running server holds open, such as a loaded DLL) and started after it.
    public var stopsFirst = false
    /// `[server] env_file`, under `env`.
    public var envFile: EnvFile?

    /// What the stage's process gets beside altv-dev's environment.
    public var environment: [String: String] { envFile?.under(env) ?? env }
}

/// `[[service]]`: a long-running companion started before the server and stopped after it.
public struct ServiceSettings: Equatable, Sendable {
    public var name: String
    public var command: CommandSpec
    /// Absolute.
    public var cwd: String
    public var env: [String: String]
    /// A regex; the server starts once it matched. Nil: ready as soon as it runs.
    public var ready: String?
    public var readyTimeout: Duration
    public var output: OutputTransport = .pipe
    /// `[server] env_file`, under `env`.
    public var envFile: EnvFile?

    /// What the service's process gets beside altv-dev's environment.
    public var environment: [String: String] { envFile?.under(env) ?? env }
}

/// A command line: a string runs through `/bin/sh -c`, an array is executed as is.
public enum CommandSpec: Equatable, Sendable, CustomStringConvertible {
    case shell(String)
    case arguments([String])

    public var argv: [String] {
        switch self {
        case .shell(let line): ["/bin/sh", "-c", line]
        case .arguments(let arguments): arguments
        }
    }

    /// The words it passes: a shell line's split at blanks, quotes taken off (a path with spaces in
    /// a shell line is not supported).
    public var words: [String] {
        switch self {
        case .arguments(let arguments): arguments
        case .shell(let line): line.split(whereSeparator: { $0 == " " || $0 == "\t" }).map { $0.trimming { $0 == "\"" || $0 == "'" } }
        }
    }

    /// The same command with `words` passed after its own (a shell line gets them quoted).
    public func appending(_ words: [String]) -> CommandSpec {
        switch self {
        case .arguments(let arguments): .arguments(arguments + words)
        case .shell(let line): .shell(line + words.map { " '" + $0 + "'" }.joined())
        }
    }

    public var description: String {
        switch self {
        case .shell(let line): line
        case .arguments(let arguments): arguments.map { $0.contains(" ") ? "'\($0)'" : $0 }.joined(separator: " ")
        }
    }
}

/// `[server]`: how to run `altv-server` and how to tell it is ready.
public struct ServerSettings: Equatable, Sendable {
    public var command: CommandSpec
    public var cwd: String
    public var env: [String: String]
    /// A regular expression matched against each output line with ANSI codes stripped.
    public var ready: String
    public var readyTimeout: Duration
    public var stopSignal: StopSignal
    public var stopTimeout: Duration
    /// What to do when the server exits by itself.
    public var onCrash: CrashPolicy
    /// The game port that must be free before a start: `port`, else server.toml's, else 7788.
    public var port: Int
    /// Restart the whole server, or only the changed resources through its console.
    public var onChange: ChangePolicy = .restart
    /// Which game server this is: how its output, console and resources are read.
    public var platform: PlatformKind = .altv
    /// Absolute folder holding the resources (default: `resources` in `cwd`).
    public var resourcesDir: String = ""
    /// How the server's output reaches altv-dev: a pseudo-terminal by default, since alt:V's C stdio
    /// holds back a pipe's output in 4 KiB blocks (the ready line with it).
    public var output: OutputTransport = .pty
    /// `env_file`: read into the server's, the stages' and the services' environment, under their `env`.
    public var envFile: EnvFile?
    /// Set by `ci --fail-on`, no config key: server lines that count as errors.
    public var errorPattern: String?

    /// What the server's process gets beside altv-dev's environment.
    public var environment: [String: String] { envFile?.under(env) ?? env }

    /// The server config this command reads: `--config FILE` in it, else `server.toml` in `cwd`.
    public var serverToml: String { ServerToml.path(command: command, cwd: cwd) }
}

/// `output`: how a child's stdout and stderr reach altv-dev (they merge either way).
public enum OutputTransport: String, Equatable, Sendable, CaseIterable {
    /// A pseudo-terminal: C programs flush every line; colours stay on.
    case pty
    /// A pipe: C programs flush when 4 KiB have gathered or at exit.
    case pipe
}

/// `[server] on_change`.
public enum ChangePolicy: String, Equatable, Sendable, CaseIterable {
    case restart
    /// `restart <name>` in the server console when only resources changed.
    case restartResources = "restart-resources"
}

/// `[watch] on_busy`: a change set that arrives while a cycle runs.
public enum BusyPolicy: String, Equatable, Sendable, CaseIterable {
    /// Stop the cycle's stages and start over with both change sets.
    case restart
    /// Let the cycle finish, then run again with what arrived.
    case queue
}

/// `[server] on_crash`.
public enum CrashPolicy: String, Equatable, Sendable, CaseIterable {
    /// Report, then wait for the next change.
    case wait
    /// Restart with a backoff from 0.5 s doubling to 8 s, reset after a minute of healthy running.
    case restart
}

/// `[watch]`: what to watch and what to leave alone.
public struct WatchSettings: Equatable, Sendable {
    /// Absolute folders watched recursively.
    public var paths: [String]
    /// gitignore patterns from the config, applied on top of the built-in defaults.
    public var ignore: [String]
    public var debounce: Duration
    public var onBusy: BusyPolicy = .restart
    public var backend: WatchBackend = .auto
    /// How often the poller sweeps the folders it polls.
    public var pollInterval: Duration = .milliseconds(500)
    /// The project's `.gitignore` (beside the config) joins the ignore rules.
    public var gitignore = true
}

/// How changes are noticed.
public enum WatchBackend: String, Equatable, Sendable, CaseIterable {
    /// inotify everywhere, and polling as well for folders on file systems inotify cannot see into
    /// (9p, FUSE, NFS, SMB, virtiofs, VM shared folders).
    case auto
    /// inotify only.
    case inotify
    /// Polling only.
    case poll
}

/// `[reconnect]`: how to reach the game client's debug endpoint.
public struct ReconnectSettings: Equatable, Sendable {
    public var enabled: Bool
    public var url: String
    public var password: Secret?
    /// Where the password came from, for messages that must not show it.
    public var passwordSource: String?
    public var passwordEnv: String
    public var retryInterval: Duration
    public var timeout: Duration
    /// Allow a non-loopback `url` (a server in WSL2 reaching the client on the Windows host).
    public var allowRemote: Bool
    /// Run after a full restart's ready line instead of the debug endpoint's flow, where the game
    /// client has none (FiveM): `cmd.exe /c start fivem://connect/127.0.0.1:30120` under WSL2, say.
    public var command: CommandSpec? = nil
    /// The other passwords altv-dev knows (server.toml's, `$password_env`'s, the env file's), also when
    /// another one is used: masked as well.
    public var otherPasswords: [Secret] = []
    /// What the server, stages and services do not inherit from altv-dev's environment: `password_env`,
    /// and every variable whose value is a password altv-dev knows (`password = "${MY_SECRET}"`).
    public var secretVariables: [String] = []
}

/// A value that never shows itself: printing it prints a mask.
public struct Secret: Equatable, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    public let value: String
    public init(_ value: String) { self.value = value }
    public var description: String { "********" }
    public var debugDescription: String { "Secret(********)" }
}

/// A signal by name, as the config spells it.
public struct StopSignal: Equatable, Sendable, CustomStringConvertible {
    public let name: String
    public let number: Int32

    static let known: [(String, Int32)] = [
        ("SIGINT", SIGINT), ("SIGTERM", SIGTERM), ("SIGHUP", SIGHUP), ("SIGQUIT", SIGQUIT),
        ("SIGKILL", SIGKILL), ("SIGUSR1", SIGUSR1), ("SIGUSR2", SIGUSR2),
    ]

    public init?(name: String) {
        let upper = name.uppercased()
        let full = upper.hasPrefix("SIG") ? upper : "SIG" + upper
        guard let match = Self.known.first(where: { $0.0 == full }) else { return nil }
        self.name = match.0
        self.number = match.1
    }

    public var description: String { name }
}

/// `[notify] on = ["failed"]` (or `["failed", "ok"]`): the verdicts told to a developer who looks away.
public struct NotifySettings: Equatable, Sendable {
    public enum Verdict: String, CaseIterable, Sendable {
        case failed, ok
    }

    public var on: [Verdict] = []

    public init(on: [Verdict] = []) { self.on = on }
}
