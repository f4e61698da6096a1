import AltVDev
import ArgumentParser
import FoundationEssentials
import Glibc

@main
struct AltVDevCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "altv-dev",
        abstract: "An instant edit-and-play loop for alt:V server developers.",
        discussion: """
            Watches your resources, restarts altv-server when you save, waits for its ready line and \
            makes the game client reconnect through its debug endpoint. Configure it in altv-dev.toml.
            """,
        version: altvDevVersion,
        subcommands: [
            WatchCommand.self, CICommand.self, SendCommand.self, WaitCommand.self, CheckCommand.self, InitCommand.self, ReconnectCommand.self, StatusCommand.self, SimulateCommand.self,
            GuardianCommand.self,
        ],
        defaultSubcommand: nil)

    /// One set of exit codes for every command (README, "Exit codes"): a usage mistake is bad input,
    /// 2, like a bad config; ArgumentParser's own 64 is not used.
    static func main() async {
        do {
            var command = try parseAsRoot()
            if var command = command as? any AsyncParsableCommand {
                try await command.run()
            } else {
                try command.run()
            }
        } catch {
            guard exitCode(for: error) == .validationFailure else { exit(withError: error) }
            let suggestion = CommandSuggestion.didYouMean(CommandLine.arguments.dropFirst().first, among: Self.publicNames)
            StandardError.write(fullMessage(for: error) + (suggestion.map { "\n\($0)" } ?? "") + "\n")
            Glibc.exit(2)
        }
    }

    static var publicNames: [String] {
        configuration.subcommands.map { $0.configuration.commandName ?? "" }.filter { !$0.isEmpty && !$0.hasPrefix("_") }
    }
}


/// Options shared by the commands that read altv-dev.toml.
struct ConfigOptions: ParsableArguments {
    @Option(name: .long, help: "The config file (default: ./altv-dev.toml, else the nearest one in a parent folder).", completion: .file(extensions: ["toml"]))
    var config: String?

    /// Loads the config, or exits non-zero with the error placed at file, line and column.
    func load(required: Bool) throws -> Config? {
        guard let file = ConfigLoader.locate(explicit: config) else {
            if !required { return nil }
            throw ValidationError(
                "no \(ConfigLoader.fileName) here or in any parent folder; run `altv-dev init` in your alt:V server folder to write one, or pass --config FILE")
        }
        do {
            return try ConfigLoader.load(file: file)
        } catch {
            StandardError.write("altv-dev: \(error)\n")
            throw ExitCode(2)
        }
    }
}

/// `--events FILE`, opened (a FIFO waits for its reader in the background); one that cannot be opened is bad input.
func openEventLog(_ path: String?, config: Config, console: Console) throws -> EventLog? {
    guard let path else { return nil }
    let narrator = Narrator(console: console, directory: config.directory)
    do {
        return try EventLog(
            path: path, directory: config.directory, redactor: { console.currentRedactor },
            warn: { narrator.tell(.notice(.loop(.eventsFileWarning($0)))) })
    } catch {
        narrator.tell(.notice(.loop(.notStarted(error: "\(error)"))))
        throw ExitCode(2)
    }
}

/// This executable's own path, for helper processes that re-run it.
func executablePath() -> String {
    (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe")) ?? CommandLine.arguments[0]
}
