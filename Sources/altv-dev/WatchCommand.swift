import AltVDev
import ArgumentParser
import Foundation

struct WatchCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "watch",
        abstract: "Restart the server on every save and reconnect the game client.",
        discussion: """
            Starts [server] command, watches [watch] paths recursively and, after each burst of \
            changes, stops the server's whole process group (stop_signal, stop_timeout, then \
            SIGKILL), starts it again, waits for the ready line and sends POST /reconnect to the \
            client's debug endpoint. Ctrl+C stops the server and exits.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Flag(name: [.short, .long], help: "Also print each file event and each step (never the password).")
    var verbose = false

    func run() async throws {
        guard let config = try configOptions.load(required: true) else { return }
        let console = Console(verbose: verbose)
        let loop = DevLoop(config: config, console: console, options: .init(executable: executablePath()))
        let code = await loop.run()
        if code != 0 { throw ExitCode(code) }
    }
}
