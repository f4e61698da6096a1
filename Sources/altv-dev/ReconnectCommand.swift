import AltVDev
import ArgumentParser
import FoundationEssentials
import Glibc

struct ReconnectCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "reconnect",
        abstract: "Make the game client reconnect once, then exit.",
        discussion: """
            Polls GET /status until the client is in MAIN_MENU or IN_GAME, then sends POST /reconnect \
            with the server password. Exits 0 when the POST succeeded, non-zero with the reason otherwise. \
            Settings come from altv-dev.toml's [reconnect] when one is found; the options override them.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "The client's debug endpoint (default: [reconnect] url, else http://127.0.0.1:9223).")
    var url: String?

    @Flag(name: .customLong("allow-remote"), help: "Allow a --url that is not a loopback address (the password travels to it).")
    var allowRemote = false

    @Option(name: .customLong("password-env"), help: "Read the server password from this environment variable.")
    var passwordEnv: String?

    @Option(help: "Give up after this long, e.g. \"30s\" (default: [reconnect] timeout, else 60s).")
    var timeout: String?

    func run() async throws {
        let config = try configOptions.load(required: false)
        let settings = config?.reconnect
        let environment = ProcessInfo.processInfo.environment
        var password = settings?.password
        if let passwordEnv {
            password = environment[passwordEnv].map(Secret.init)
            if password == nil {
                StandardError.write("altv-dev: warning: --password-env \(passwordEnv): $\(passwordEnv) is not set; sending no password\n")
            }
        } else if settings == nil {
            password = environment["ALTV_SERVER_PASSWORD"].map(Secret.init)
        }
        var limit = settings?.timeout ?? .seconds(60)
        if let timeout {
            guard let parsed = DurationParser.parse(timeout) else {
                throw ValidationError("--timeout \(timeout): expected \(DurationParser.expected)")
            }
            limit = parsed
        }
        let target = try EndpointTarget.resolve(url, configured: settings, allowRemote: allowRemote)
        let console = Console(descriptor: STDOUT_FILENO)
        console.setSecrets([password?.value].compactMap { $0 })
        let narrator = Narrator(console: console, directory: FileManager.default.currentDirectoryPath)
        let say = { (notice: ReconnectCommandNotice) in narrator.tell(.notice(.reconnectCommand(notice))) }
        let flow = ReconnectFlow(
            endpoint: HTTPDebugEndpoint(baseURL: target, requestTimeout: min(Timings.httpRequest, limit)),
            password: password, retryInterval: settings?.retryInterval ?? .milliseconds(2500), timeout: limit,
            clock: ContinuousClock())
        let outcome = await flow.run { progress in
            switch progress {
            case .unreachable(let error): say(.unreachable(url: target, error: "\(error)"))
            case .waiting(let status): say(.waiting(status: "\(status)"))
            case .sendingReconnect: break
            }
        }
        switch outcome {
        case .reconnected(let status, _):
            say(.sent(was: "\(status)"))
        case .gaveUp(let last):
            say(.gaveUp(after: limit, last: last))
            throw ExitCode(1)
        case .rejected(let error):
            say(.postFailed(url: target, error: "\(error)"))
            throw ExitCode(1)
        case .notAClient(let answer):
            say(.notAClient(url: target, answer: answer))
            throw ExitCode(1)
        case .cancelled:
            throw ExitCode(1)
        }
    }
}

struct StatusCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "status",
        abstract: "Print the game client's status (LOADING, MAIN_MENU, IN_GAME, …).",
        discussion: "Exits non-zero when the client's debug endpoint does not answer.")

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "The client's debug endpoint (default: [reconnect] url, else http://127.0.0.1:9223).")
    var url: String?

    @Flag(name: .customLong("allow-remote"), help: "Allow a --url that is not a loopback address.")
    var allowRemote = false

    func run() async throws {
        let settings = try configOptions.load(required: false)?.reconnect
        let target = try EndpointTarget.resolve(url, configured: settings, allowRemote: allowRemote)
        let status: ClientStatus
        do {
            status = try await HTTPDebugEndpoint(baseURL: target).status()
        } catch {
            StandardError.write("altv-dev: game client at \(target) \(error)\n")
            throw ExitCode(1)
        }
        // Another program on that port (an HTML page) is no status, and no success.
        if case .unknown = status {
            StandardError.write("altv-dev: \(target) is not an alt:V client: GET /status answered \(status), not a status like MAIN_MENU; check --url or [reconnect] url\n")
            throw ExitCode(1)
        }
        print(status)
    }
}

/// The endpoint a command talks to: `--url` checked by the same loopback rule as the config's.
enum EndpointTarget {
    static func resolve(_ url: String?, configured: ReconnectSettings?, allowRemote: Bool) throws -> String {
        guard let url else { return configured?.url ?? EndpointAddress.defaultURL }
        do throws(EndpointAddress.Problem) {
            // allow_remote in the config is the same consent as the flag.
            return try EndpointAddress(url, allowRemote: allowRemote || configured?.allowRemote == true).url
        } catch {
            StandardError.write("altv-dev: error: --url: \(error.message)\n  fix: \(error.fix)\n")
            throw ExitCode(2)
        }
    }
}

struct GuardianCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "__guardian", abstract: "Internal: kills altv-dev's process groups if altv-dev dies.", shouldDisplay: false)

    func run() throws {
        let code = Guardian.runMain()
        if code != 0 { throw ExitCode(code) }
    }
}
