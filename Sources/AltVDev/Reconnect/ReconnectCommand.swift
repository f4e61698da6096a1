/// How a `[reconnect] command` ended: what the loop says and writes of it.
public struct ReconnectCommandReport: Equatable, Sendable {
    /// The command as shown (a password in it masked by the console).
    public var command: String
    public var ok: Bool
    /// `exited with status 1`, `did not start: …`, `still running after 1m: stopped`; empty when ok.
    public var problem: String
    public var duration: Duration

    public init(command: String, ok: Bool, problem: String = "", duration: Duration) {
        self.command = command
        self.ok = ok
        self.problem = problem
        self.duration = duration
    }
}

/// Runs a reconnect command to its end (or its timeout); the real one is `ReconnectCommandReport.run`.
public typealias ReconnectCommandRunner = @Sendable (_ command: CommandSpec, _ settings: ReconnectSettings) async -> ReconnectCommandReport

extension ReconnectCommandReport {
    /// The command as a process of the loop's own (its output prefixed `[reconnect]`, under the
    /// guardian, without the secret variables), up to the reconnect `timeout`, then stopped.
    public static func run(
        _ command: CommandSpec, settings: ReconnectSettings, cwd: String, environment: [String: String], console: Console,
        guardian: Guardian?, emit: @escaping @Sendable (LoopEvent) -> Void
    ) async -> ReconnectCommandReport {
        let shown = "\(command)"
        let started = ContinuousClock.now
        let process: CompanionProcess
        do {
            process = try CompanionProcess(
                name: "reconnect", command: command, cwd: cwd,
                environment: CompanionProcess.environment(base: environment, hiding: settings.secretVariables, adding: [:]),
                console: console, emit: emit, guardian: guardian)
        } catch {
            return ReconnectCommandReport(command: shown, ok: false, problem: "did not start: \(error)", duration: .now - started)
        }
        // A newer cycle cancels the wait: the command is stopped then too.
        let status = await process.process.exit.wait(until: started + settings.timeout)
        guard let status else {
            let cancelled = Task.isCancelled
            await process.stop(signal: StopSignal(name: "SIGTERM")!, timeout: Timings.outputDrain)
            let problem = cancelled ? "was stopped: a newer cycle restarts the server" : "was still running after \(settings.timeout.humanReadable): stopped"
            return ReconnectCommandReport(command: shown, ok: false, problem: problem, duration: .now - started)
        }
        _ = await process.output.closed.wait(timeout: Timings.outputDrain)
        let ok = status == .exited(0)
        return ReconnectCommandReport(command: shown, ok: ok, problem: ok ? "" : "\(status)", duration: .now - started)
    }
}
