import AltVDev
import ArgumentParser
import FoundationEssentials
import Glibc

/// The control socket of the project's running watch (found from the config's path, as watch names it).
private func controlSocketPath(_ configOptions: ConfigOptions) throws -> String {
    guard let file = ConfigLoader.locate(explicit: configOptions.config) else {
        throw ValidationError("no \(ConfigLoader.fileName) here or in any parent folder; pass --config FILE, the one the watch runs with")
    }
    return ControlSocketPath.path(for: FilePath.absolute(file), environment: ProcessInfo.processInfo.environment)
}

private func parseTimeout(_ text: String) throws -> Duration {
    guard let duration = DurationParser.parse(text) else { throw ValidationError("--timeout \(text): expected \(DurationParser.expected)") }
    return duration
}

struct SendCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "send",
        abstract: "Tell the project's running watch to restart, reconnect, quit, restart one resource, or say its status.",
        discussion: """
            Talks to the control socket `altv-dev watch` opens for its config (in $XDG_RUNTIME_DIR/altv-dev/, \
            else a 0700 folder in the temp folder): one JSON line in, one out, printed. restart and \
            restart-resource answer once their cycle started ("cycle": its number). Exits 0 when the watch \
            answered ok, 1 otherwise.
            """)

    @Argument(help: "restart | reconnect | quit | restart-resource NAME | status")
    var command: String

    @Argument(help: "The resource, for restart-resource.")
    var resource: String?

    @OptionGroup var configOptions: ConfigOptions

    @Option(help: "Give up waiting for the answer after this long.")
    var timeout: String = "10s"

    func validate() throws {
        guard ControlRequest.sendCommands.contains(command) else {
            let close = ControlRequest.sendCommands.first { CommandSuggestion.distance(command, $0) <= 2 }
            throw ValidationError("unknown command \(command); one of \(ControlRequest.sendCommands.joined(separator: ", "))" + (close.map { "; did you mean \($0)?" } ?? ""))
        }
        if command == "restart-resource", resource == nil { throw ValidationError("restart-resource needs the resource's name: altv-dev send restart-resource NAME") }
        if command != "restart-resource", let resource { throw ValidationError("\(command) takes no argument (got \(resource))") }
    }

    func run() async throws {
        let request: ControlRequest =
            switch command {
            case "restart": .restart
            case "reconnect": .reconnect
            case "quit": .quit
            case "restart-resource": .restartResource(resource ?? "")
            default: .status
            }
        let path = try controlSocketPath(configOptions)
        switch ControlClient.send(request, to: path, timeout: try parseTimeout(timeout)) {
        case .success(let answer):
            print(answer.line)
            if !answer.ok {
                StandardError.write("altv-dev: the watch refused \(command): \(answer.error ?? "no reason given")\n")
                throw ExitCode(1)
            }
        case .failure(let error):
            StandardError.write("altv-dev: \(error)\n")
            throw ExitCode(1)
        }
    }
}

struct WaitCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "wait",
        abstract: "Wait until the project's watch is ready (or idle), then exit 0; exit 1 on timeout.",
        discussion: """
            ready: no cycle in flight and the server up and ready. idle: no cycle in flight. A watch not \
            started yet is waited for too, so `altv-dev watch & altv-dev wait` works. Prints the watch's \
            status line (JSON) when it holds.
            """)

    @Option(name: .customLong("for"), help: "ready | idle")
    var condition: String = "ready"

    @Option(help: "Give up after this long.")
    var timeout: String = "60s"

    @OptionGroup var configOptions: ConfigOptions

    func run() async throws {
        guard let condition = ControlRequest.WaitCondition(rawValue: condition) else {
            throw ValidationError("--for \(condition): one of \(ControlRequest.WaitCondition.allCases.map(\.rawValue).joined(separator: ", "))")
        }
        let limit = try parseTimeout(timeout)
        let path = try controlSocketPath(configOptions)
        let deadline = ContinuousClock.now + limit
        while true {
            let left = deadline - .now
            switch ControlClient.send(.wait(condition), to: path, timeout: max(left, .milliseconds(1))) {
            case .success(let answer) where answer.ok:
                print(answer.line)
                return
            case .success(let answer):
                StandardError.write("altv-dev: not \(condition.rawValue): \(answer.error ?? "the watch refused")\n")
                throw ExitCode(1)
            case .failure(let error) where error.watchNotRunning && left > .zero:
                // Started just now, or about to be: its socket comes soon.
                try await Task.sleep(for: min(left, .milliseconds(50)))
            case .failure(let error):
                StandardError.write("altv-dev: not \(condition.rawValue) within \(limit.humanReadable): \(error)\(Self.lastStatus(path))\n")
                throw ExitCode(1)
            }
        }
    }

    /// ` (the watch says: …)`, when it answers a quick status.
    static func lastStatus(_ path: String) -> String {
        guard case .success(let answer) = ControlClient.send(.status, to: path, timeout: .seconds(1)) else { return "" }
        return "; its status: \(answer.line)"
    }
}
