import Synchronization

/// Renders the loop's events as the lines the terminal shows; the one place that words them.
public final class Narrator: Sendable {
    let console: Console
    /// The config's folder: paths are shown relative to it.
    let directory: String
    private let stopping = Mutex(false)

    public init(console: Console, directory: String) {
        self.console = console
        self.directory = directory
    }

    public func tell(_ event: LoopEvent) {
        switch event {
        case .cycleStarted(_, let trigger, let plan): cycleStarted(trigger, plan)
        case .stageFinished(_, let result): stageFinished(result)
        case .serverStopped(_, _, let duration, _): console.say("server stopped in \(duration.humanReadable)", .debug)
        case .serverStarted: break
        case .serverReady(_, _, let after): console.say("server ready in \(after.humanReadable)", .debug)
        case .resourcesRestarted(_, _, _, _, let failure, let fallsBack):
            if fallsBack { console.say("resource restart failed: \(failure.map { "\($0)" } ?? "unknown"); restarting the whole server", .warning) }
        case .resourceFailed(_, let resource): resourceFailed(resource)
        case .clientReconnected(let cycle?, let was, let duration):
            // Not `✓ #N …`: that is a cycle's verdict, which editors' task matchers wait for.
            console.say("✓ client #\(cycle): reconnected (was \(was)) in \(duration.humanReadable)", .success)
        case .clientReconnected(nil, let was, let duration):
            console.say("game client reconnected (was \(was))")
            console.say("✓ reconnect \(duration.humanReadable)", .success)
        case .clientCommand(let cycle, let report):
            let label = cycle.map { "client #\($0)" } ?? "client (:rc)"
            if report.ok {
                console.say("✓ \(label): ran \(report.command) in \(report.duration.humanReadable)", .success)
            } else {
                console.say("✗ \(label): \(report.command) \(report.problem)", .error)
            }
        case .clientFailed(let cycle, let reason, let refused, let again):
            let label = cycle.map { "client #\($0)" } ?? "client (:rc)"
            // An absent game is said once per outage; while it stays away, later cycles say it with --verbose.
            if refused { console.say("✗ \(label): \(reason)", .error) } else { console.say("\(label): \(reason); the next change tries again", again ? .debug : .warning) }
        case .cycleFinished(_, let outcome, let report): cycleFinished(outcome, report)
        case .serverExited(_, let status, let uptime, let lastLines, let then): serverExited(status, uptime, lastLines, then)
        case .serviceReady(let service, _): console.say("service \(service) is ready", .debug)
        case .serviceExited(let service, _, let status, let uptime, let lastLines):
            console.say("service \(service) \(status) after \(uptime.humanReadable)" + quotedUnlessAbove(lastLines, of: service, count: 5), .error)
        case .configReloaded(let changes): console.say("config reloaded:\n" + changes.map { "  " + $0 }.joined(separator: "\n"))
        case .configRejected(_, let errors):
            console.say("config not applied, keeping the last good one:\n" + errors.map(\.description).joined(separator: "\n"), .error)
        default: tellDecision(event)
        }
    }

    /// The scheduler's decisions and the loop's own notes.
    private func tellDecision(_ event: LoopEvent) {
        switch event {
        case .changeQueued(let changes, let cycle, let reason):
            let why = reason == .onBusyQueue ? "on_busy = \"queue\"" : "a start or resource restart is never cut off"
            console.say("change: \(changes.summary(relativeTo: directory)) → queued until cycle #\(cycle) ends (\(why))")
        case .changeDuringCycle(let cycle):
            console.say("change during cycle #\(cycle): starting over with both change sets", .debug)
        case .loopStopped(let verdict): loopStopped(verdict)
        case .stopping(let cause):
            stopping.withLock { $0 = true }
            console.say("\(cause)")
        case .killingNow(let signal):
            console.say("\(SignalName.of(signal)) again: killing the server, services and stages now (SIGKILL to their process groups)", .warning)
        case .notice(let notice): tell(notice)
        default: break
        }
    }

    private func cycleStarted(_ trigger: CycleTrigger, _ plan: PlanSummary?) {
        switch trigger {
        case .changes(let changes):
            guard let plan else { return }
            console.say("change: \(changes.summary(relativeTo: directory)) → " + Self.consequence(plan))
        case .configChanged: console.say("[server] changed → restarting the server")
        // A line of its own, which editors' task matchers take as the start of a cycle.
        case .crashRestart: console.say("crash → restarting the server")
        case .initialStart, .manualRestart, .resourceRestart: break
        }
    }

    /// What a plan does, as the `change:` line and `check --why` say it.
    static func consequence(_ plan: PlanSummary) -> String {
        let checks = plan.checks.isEmpty ? "" : " (check\(plan.checks.count == 1 ? "" : "s") \(plan.checks.joined(separator: ", ")) beside)"
        return steps(plan).joined(separator: ", then ") + checks
    }

    static func steps(_ plan: PlanSummary) -> [String] {
        var steps = plan.stages.isEmpty ? [] : ["stage" + (plan.stages.count == 1 ? " " : "s ") + plan.stages.joined(separator: ", ")]
        if !plan.stops.isEmpty { steps.append("stopping resource\(plan.stops.count == 1 ? "" : "s") \(plan.stops.joined(separator: ", ")) (folder gone)") }
        if !plan.restarts {
            steps.append("nothing to restart")
        } else if let named = plan.resources, !named.isEmpty || plan.stops.isEmpty || !plan.stages.isEmpty {
            steps.append(
                plan.stages.isEmpty || !named.isEmpty
                    ? "restarting resource\(named.count == 1 ? "" : "s") \(named.joined(separator: ", "))"
                    : "restarting the resources the stages change")
        } else if plan.resources == nil {
            steps.append("restarting the server" + (plan.fullRestartReason.map { " (\($0))" } ?? ""))
        }
        return steps
    }

    private func stageFinished(_ result: StageResult) {
        switch result.outcome {
        // A check's verdict comes after the cycle's: the ✓ of one is said too.
        case .succeeded where !result.gate: console.say("✓ check \(result.name) \(result.duration.humanReadable)", .success)
        case .failed where !result.gate, .timedOut where !result.gate, .notStarted where !result.gate:
            console.say("✗ check " + result.summary + " (gate = false: the server runs the new code anyway)" + quotedUnlessAbove(result.lastLines, of: result.name), .error)
        case .succeeded: break
        case .cancelled:
            let why = stopping.withLock { $0 } ? "altv-dev is stopping" : "a newer change set came in"
            console.say("stage \(result.name) stopped: \(why)")
        case .failed, .timedOut, .notStarted:
            console.say(result.summary + quotedUnlessAbove(result.lastLines, of: result.name), .error)
        }
    }

    private func cycleFinished(_ outcome: CycleOutcome, _ report: CycleReport) {
        // One line, no ✓ or ✗: nothing was decided, and an editor's task stays busy for the cycle that follows.
        guard outcome != .cancelled else {
            console.say("#\(report.number) stopped: " + (stopping.withLock { $0 } ? "altv-dev is stopping" : "a newer change set came in"))
            return
        }
        switch report.result {
        case .done: console.say(report.line, .success)
        case .clientNotConnected: console.say(report.line, .warning)
        case .failed: console.say(report.line, report.isWarning ? .warning : .error)
        }
    }

    private func resourceFailed(_ resource: FailedResource) {
        switch resource.kind {
        case .failedToLoad:
            let lines = resource.lines.isEmpty ? "" : ":\n" + resource.lines.map { "  │ " + $0 }.joined(separator: "\n")
            console.say("resource \(resource.name) failed to load" + lines, .error)
        case .notReloaded:
            console.say("resource \(resource.name) was stopped with a resource it depends on and did not load again", .error)
        }
    }

    private func serverExited(_ status: ExitStatus, _ uptime: Duration, _ lastLines: [String], _ then: AfterExit) {
        var message = "server \(status) after \(uptime.humanReadable)" + quotedUnlessAbove(lastLines, of: "server")
        switch then {
        case .waitForChange: message += "\nwaiting for a change to start it again"
        case .restart(let delay): message += "\nrestarting in \(delay.humanReadable) (on_crash = \"restart\")"
        }
        console.say(message, .error)
    }

    private func loopStopped(_ verdict: StageFeedbackGuard.Verdict) {
        guard case .loop(let paths, let stages, let cycles, let server) = verdict else { return }
        let shown = ChangeSet(paths: paths).summary(relativeTo: directory)
        if server, stages.isEmpty { return serverLoopStopped(paths, shown: shown, cycles: cycles) }
        let named = stages.joined(separator: ", ")
        // Said in full when the loop is first stopped; the same writes coming back later are only noted.
        guard cycles == StageFeedbackGuard.limit else {
            console.say("\(shown) written by stage \(named) again: not a new change", .debug)
            return
        }
        let glob = StageFeedbackGuard.outputsSuggestion(for: paths, base: directory)
        console.say(
            "stopped a loop: the last \(cycles) cycles were started only by files that stage \(named) wrote (\(shown)). "
                + "Add them to that stage's outputs, e.g. outputs = [\"\(glob)\"], so its own writes start no cycle; "
                + "waiting for another change",
            .error)
    }

    /// Files the server writes as it starts (alt:V's `dbg_reconnect` writes `ipc.txt` at every load).
    private func serverLoopStopped(_ paths: [String], shown: String, cycles: Int) {
        guard cycles == StageFeedbackGuard.limit else {
            console.say("\(shown) written while the server started, again: not a new change", .debug)
            return
        }
        let relative = paths.prefix(3).map { "\"" + (PathFilter.relative($0, to: directory) ?? $0) + "\"" }.joined(separator: ", ")
        console.say(
            "stopped a loop: the last \(cycles) cycles were started only by files that changed while the server started (\(shown)), "
                + "as a resource that writes into the server's folder does. Ignore them, e.g. [watch] ignore = [\(relative)] "
                + "(or list them in .gitignore); waiting for another change",
            .error)
    }

    /// The last `count` lines; when none of them says what went wrong and an earlier one does (Node's
    /// `Cannot find package …` above ten stack lines), that line first, then the last `count - 1`.
    static func telling(_ lines: [String], count: Int) -> ArraySlice<String> {
        let tail = lines.suffix(count)
        guard count > 1, !tail.contains(where: saysWhatFailed), let earlier = lines.dropLast(count).last(where: saysWhatFailed) else { return tail }
        return ArraySlice([earlier] + lines.suffix(count - 1))
    }

    static func saysWhatFailed(_ line: String) -> Bool {
        let lower = line.lowercased()
        return ["error", "cannot ", "can't ", "not found", "fatal", "panic", "exception", "failed", "✘"].contains { lower.contains($0) }
    }

    /// The last lines quoted, unless they are the last thing on the screen (streamed just above):
    /// a failure's output is shown once.
    private func quotedUnlessAbove(_ lines: [String], of writer: String, count: Int = 10) -> String {
        console.lastWrote(writer) ? "" : Self.quoted(Self.telling(lines, count: count))
    }

    /// `; last lines:` and each line under a gutter, or nothing.
    static func quoted(_ lines: ArraySlice<String>) -> String {
        lines.isEmpty ? "" : "; last lines:\n" + lines.map { "  │ " + $0 }.joined(separator: "\n")
    }
}
