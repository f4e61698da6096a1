import AltVDev
import AltVDevSimulator
import ArgumentParser
import FoundationEssentials

struct SimulateCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sim",
        abstract: "Simulators of the alt:V server and game client, for the demo and the tests.",
        subcommands: [SimulateServer.self, SimulateClient.self, SimulateFXServer.self])
}

struct SimulateServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "server",
        abstract: "Run a simulated altv-server in the current folder (reads server.toml and resources/).")

    @Option(help: "How long start-up takes, e.g. \"1s\".")
    var startupDelay = "300ms"

    @Flag(help: "Crash during start-up, like a server aborting on a bad module.")
    var crashOnStart = false

    @Flag(help: "Ignore SIGINT, SIGTERM and SIGHUP (only SIGKILL stops it).")
    var ignoreSignals = false

    @Flag(help: "Start a child in the server's process group that ignores SIGINT and SIGTERM.")
    var spawnChild = false

    @Flag(help: "Like --spawn-child, and the child holds the game port.")
    var childHoldsPort = false

    @Option(help: "Print this many bytes without a newline during start-up.")
    var bytesWithoutNewline = 0

    @Flag(help: "Print lines with invalid UTF-8, the ready line among them.")
    var invalidUtf8 = false

    @Option(help: "Print this many megabytes of log lines once started.")
    var floodMegabytes = 0

    @Option(help: "Exit with status 1 this long after start-up, e.g. \"2s\".")
    var exitAfter: String?

    @Option(help: "RESOURCE=FILE: the resource writes FILE (relative to the server's folder) each time it loads, as dbg_reconnect writes ipc.txt.")
    var writeOnLoad: [String] = []

    @Option(help: "How long a console `restart <resource>` takes, e.g. \"2s\".")
    var resourceRestartDelay = "0ms"

    func run() throws {
        guard let delay = DurationParser.parse(startupDelay) else {
            throw ValidationError("--startup-delay \(startupDelay): expected \(DurationParser.expected)")
        }
        var options = SimulatedServer.Options(directory: FileManager.default.currentDirectoryPath)
        options.startupDelay = delay
        options.crashOnStart = crashOnStart
        options.ignoreSignals = ignoreSignals
        options.spawnChild = spawnChild
        options.childHoldsPort = childHoldsPort
        options.bytesWithoutNewline = bytesWithoutNewline
        options.invalidUTF8 = invalidUtf8
        options.floodMegabytes = floodMegabytes
        if let exitAfter {
            guard let duration = DurationParser.parse(exitAfter) else {
                throw ValidationError("--exit-after \(exitAfter): expected \(DurationParser.expected)")
            }
            options.exitAfter = duration
        }
        guard let restartDelay = DurationParser.parse(resourceRestartDelay) else {
            throw ValidationError("--resource-restart-delay \(resourceRestartDelay): expected \(DurationParser.expected)")
        }
        options.resourceRestartDelay = restartDelay
        for pair in writeOnLoad {
            let parts = pair.split(separator: "=", maxSplits: 1).map(String.init)
            guard parts.count == 2 else { throw ValidationError("--write-on-load \(pair): expected RESOURCE=FILE") }
            options.writesOnLoad[parts[0]] = parts[1]
        }
        let server = try SimulatedServer(options: options)
        throw ExitCode(server.run())
    }
}

struct SimulateFXServer: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "fxserver",
        abstract: "Run a simulated FXServer (FiveM, RedM) in the current folder (server-data: server.cfg and resources/).",
        discussion: "Takes FXServer's own arguments after --, e.g. `altv-dev sim fxserver -- +exec server.cfg +ensure chat`.")

    @Option(help: "How long start-up takes after the config ran, e.g. \"1s\".")
    var startupDelay = "200ms"

    @Option(help: "Exit with status 1 this long after start-up, e.g. \"2s\".")
    var exitAfter: String?

    @Argument(parsing: .captureForPassthrough, help: "FXServer's arguments: +exec server.cfg, +ensure NAME, +set NAME VALUE.")
    var arguments: [String] = []

    func run() throws {
        var options = SimulatedFXServer.Options(directory: FileManager.default.currentDirectoryPath)
        guard let delay = DurationParser.parse(startupDelay) else {
            throw ValidationError("--startup-delay \(startupDelay): expected \(DurationParser.expected)")
        }
        options.startupDelay = delay
        if let exitAfter {
            guard let duration = DurationParser.parse(exitAfter) else { throw ValidationError("--exit-after \(exitAfter): expected \(DurationParser.expected)") }
            options.exitAfter = duration
        }
        options.arguments = arguments.first == "--" ? Array(arguments.dropFirst()) : arguments
        throw ExitCode(SimulatedFXServer(options: options).run())
    }
}

struct SimulateClient: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "client",
        abstract: "Run a simulated game client debug endpoint (GET /status, POST /reconnect).")

    @Option(help: "Address to listen on (the real client listens on 127.0.0.1 only).")
    var host = "127.0.0.1"

    @Option(help: "Port to listen on; 0 picks a free one and prints it.")
    var port: UInt16 = 9223

    @Option(help: "The server the client last used, host:port (its game port).")
    var server = "127.0.0.1:7788"

    @Option(help: "The state to start in.")
    var state = "MAIN_MENU"

    @Option(help: "Misbehave: never-answer, garbage, reconnect-401 or reconnect-500.")
    var fault: SimulatedClient.Fault?

    @Option(name: .customLong("status-delay"), help: "Answer GET /status this late, e.g. \"200ms\" (a busy game).")
    var statusDelay: String?

    func run() async throws {
        var options = SimulatedClient.Options()
        options.host = host
        options.port = port
        options.server = server
        options.initialState = state
        options.fault = fault
        if let statusDelay {
            guard let delay = DurationParser.parse(statusDelay) else {
                throw ValidationError("--status-delay \(statusDelay): expected \(DurationParser.expected)")
            }
            options.statusDelay = delay
        }
        try await SimulatedClient(options: options).run()
    }
}

extension SimulatedClient.Fault: ExpressibleByArgument {}
