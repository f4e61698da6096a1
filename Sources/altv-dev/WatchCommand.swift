import AltVDev
import ArgumentParser
import FoundationEssentials
import Glibc

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Restart the server on every save and reconnect the game client.",
        discussion: """
            Starts the [[service]] companions and the [server] command, watches [watch] paths \
            recursively and, after each burst of changes, runs the [[stage]] commands whose \
            `when` matches, stops the server's whole process group (stop_signal, stop_timeout, \
            then SIGKILL), starts it again, waits for the ready line and sends POST /reconnect to \
            the client's debug endpoint. With [server] on_change = "restart-resources", changes \
            inside resources are applied by `restart <name>` in the server console instead. \
            Lines typed at the terminal go to the server's console; :r restarts, :rc reconnects, \
            :q quits, :help lists them. Ctrl+C stops the server and exits.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Flag(name: [.short, .long], help: "Also print each file event and each step (never the password).")
    var verbose = false

    @Option(
        name: .long, help: ArgumentHelp(
            "Also write the loop's events to FILE as NDJSON, one object a line (appended; FILE may be a FIFO).",
            discussion: "The events are described in schemas/altv-dev.events.schema.json (in the tarball and the npm package; /usr/share/doc/altv-dev/schemas/ from the .deb).", valueName: "FILE"), completion: .file())
    var events: String?

    @Flag(name: .long, help: "No live status line at the bottom of the terminal (it is never drawn when stdout is not a terminal, or with NO_COLOR or TERM=dumb).")
    var noStatus = false

    @Flag(name: [.short, .long], help: "Clear the screen at the start of each cycle (on a terminal).")
    var clear = false

    func run() async throws {
        guard let config = try configOptions.load(required: true) else { return }
        let console = Console(verbose: verbose)
        let eventLog = try openEventLog(events, config: config, console: console)
        let environment = ProcessInfo.processInfo.environment
        let status = StatusLine.isWanted(environment: environment, disabled: noStatus) ? StatusLine(console: console, width: StatusLine.width()) : nil
        let options = DevLoop.Options(
            executable: executablePath(), environment: environment, statusLine: status, clearScreen: clear && isatty(STDOUT_FILENO) == 1,
            version: altvDevVersion)
        OrphanAdoption.begin()
        let loop = DevLoop(config: config, console: console, options: options, eventLog: eventLog)
        let code = await loop.run()
        if code != 0 { throw ExitCode(code) }
    }
}
