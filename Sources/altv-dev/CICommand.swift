import AltVDev
import ArgumentParser
import FoundationEssentials

struct CICommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "ci",
        abstract: "Run the loop once for CI: every stage, the server up to its ready line, then stop.",
        discussion: """
            Runs every [[stage]] once (checks too, and waits for them), starts the [[service]] companions and \
            the server, waits for its ready line, watches it for --for, stops everything and prints one \
            summary. Exits 0 only when every stage passed, the server got ready and kept running, no \
            resource failed to load and no server line matched --fail-on; else 1 (2 for bad input). No \
            reconnect, no watcher, nothing read from stdin.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .customLong("for"), help: ArgumentHelp("How long to watch the server after its ready line (e.g. 10s).", valueName: "DURATION"))
    var watchFor = "0s"

    @Option(name: .long, help: ArgumentHelp("Server lines that count as errors (a regex, matched with escapes stripped).", valueName: "REGEX"))
    var failOn = #"\[Error\]"#

    @Option(name: .long, help: ArgumentHelp("Write JUnit XML to FILE: a test case per stage, per resource and for the server's start.", valueName: "FILE"), completion: .file())
    var junit: String?

    @Option(name: .long, help: ArgumentHelp("Also write the run's events to FILE as NDJSON (see schemas/altv-dev.events.schema.json).", valueName: "FILE"), completion: .file())
    var events: String?

    @Flag(name: [.short, .long], help: "Also print each step (never the password).")
    var verbose = false

    func run() async throws {
        guard let duration = DurationParser.parse(watchFor) else { throw ValidationError("--for \(watchFor): not a duration; write it like 10s, 1m or 500ms") }
        do { _ = try Regex(failOn) } catch { throw ValidationError("--fail-on \(failOn): not a regular expression: \(error)") }
        guard let config = try configOptions.load(required: true) else { return }
        let console = Console(verbose: verbose)
        let eventLog = try openEventLog(events, config: config, console: console)
        OrphanAdoption.begin()
        let options = CIRun.Options(
            executable: executablePath(), environment: ProcessInfo.processInfo.environment, watchFor: duration, failOn: failOn, junit: junit)
        let code = await CIRun(config: config, console: console, options: options, eventLog: eventLog).run()
        if code != 0 { throw ExitCode(code) }
    }
}
