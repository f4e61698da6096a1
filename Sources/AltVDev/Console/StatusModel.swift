/// What the live status line says, from the loop's events: a pure value, so its wording is
/// tested with a manual clock and no terminal.
public struct StatusModel: Equatable, Sendable {
    public private(set) var cycle: Int?
    public private(set) var phase: CyclePhase?
    private var phaseSince: ContinuousClock.Instant?
    private var cycleSince: ContinuousClock.Instant?
    private var failedStage: String?
    /// The last cycle's result, said while idle: `✓ #12 745ms`, `✗ #13 build-core failed`.
    public private(set) var lastResult: String?
    /// The last check (`gate = false`) that ended while idle: `check typecheck ✗`.
    public private(set) var lastCheck: String?
    /// altv-dev is stopping: what it waits for, said in place of everything else.
    private var exit: Exit?

    /// What a stopping altv-dev waits for, and since when (or until its SIGKILL).
    private struct Exit: Equatable {
        var waitingFor: String
        var since: ContinuousClock.Instant
        var killAt: ContinuousClock.Instant?
    }

    public init() {}

    /// A cycle is running or altv-dev is stopping: the line shows a timer, so it is redrawn while this lasts.
    public var isBusy: Bool { cycle != nil || exit != nil }

    public mutating func apply(_ event: LoopEvent, at now: ContinuousClock.Instant) {
        switch event {
        case .cycleStarted(let number, _, _):
            (cycle, phase, phaseSince, cycleSince, failedStage, lastCheck) = (number, nil, now, now, nil, nil)
        case .phase(let number, let new) where number == cycle:
            (phase, phaseSince) = (new, now)
        case .stageFinished(let number, let result) where number == cycle && result.gate:
            if result.outcome != .succeeded && result.outcome != .cancelled { failedStage = failedStage ?? result.name }
            // A batch's stage that ended leaves the line; the batch's timer goes on.
            if case .building(let names) = phase, names.count > 1 { phase = .building(names.filter { $0 != result.name }) }
        case .stageFinished(_, let result) where !result.gate && cycle == nil && result.outcome != .cancelled:
            // A check ends after its cycle's verdict: the idle line says it beside that verdict.
            lastCheck = "check \(result.name) " + (result.outcome == .succeeded ? "✓" : "✗")
        case .cycleFinished(let number, let outcome, let report) where number == cycle:
            if outcome != .cancelled { lastResult = Self.result(number, report, took: cycleSince.map { now - $0 }, failedStage: failedStage) }
            (cycle, phase, phaseSince, cycleSince) = (nil, nil, nil, nil)
        default:
            applyExit(event, at: now)
        }
    }

    private mutating func applyExit(_ event: LoopEvent, at now: ContinuousClock.Instant) {
        switch event {
        case .stopping: exit = Exit(waitingFor: "the server", since: now)
        case .notice(.process(.serverStoppedAtExit)) where exit != nil: exit = Exit(waitingFor: "services", since: now)
        case .notice(.service(.stillStopping(let name, let signal, let timeout))) where exit != nil:
            // Said a while after the signal: the SIGKILL comes `timeout` after the signal itself.
            exit = Exit(waitingFor: "service \(name), which ignores \(signal)", since: now, killAt: now - Timings.slowStopNotice + timeout)
        case .notice(.service(.stopped)) where exit != nil: exit = Exit(waitingFor: "services", since: now)
        default: break
        }
    }

    static func result(_ number: Int, _ report: CycleReport, took: Duration?, failedStage: String?) -> String {
        switch report.result {
        case .done, .clientNotConnected:
            let time = (report.saveToReady ?? took).map { " \($0.humanReadable)" } ?? ""
            return "✓ #\(number)\(time)" + (report.result == .clientNotConnected ? " (waiting for the game client)" : "")
        case .failed(let reason):
            return "✗ #\(number) " + (failedStage.map { "\($0) failed" } ?? "\(reason)")
        }
    }

    /// The line at `now`, cut to fit `width` columns (one is left free, so the terminal never wraps it).
    public func text(at now: ContinuousClock.Instant, width: Int) -> String {
        var line: String
        if let exit {
            line = "stopping: " + exit.waitingFor + " "
            line += exit.killAt.map { "· SIGKILL in " + Self.seconds($0 - now) } ?? Self.seconds(now - exit.since)
        } else if let cycle {
            line = "#\(cycle) " + Self.words(phase)
            if let phaseSince, phase != nil { line += " " + Self.seconds(now - phaseSince) }
        } else {
            line = "watching" + (lastResult.map { " · " + $0 } ?? "") + (lastCheck.map { " · " + $0 } ?? "")
        }
        let room = max(0, width - 1)
        if line.count <= room { return line }
        return room == 0 ? "" : String(line.prefix(room - 1)) + "…"
    }

    static func words(_ phase: CyclePhase?) -> String {
        switch phase {
        case nil: "starting a cycle"
        case .building(let stages): "running " + stages.joined(separator: ", ")
        case .waitingForServices: "waiting for services"
        case .restartingResources(let names):
            names.isEmpty ? "restarting resources" : "restarting resource\(names.count == 1 ? "" : "s") " + names.joined(separator: ", ")
        case .stoppingResources(let names): "stopping resource\(names.count == 1 ? "" : "s") " + names.joined(separator: ", ")
        case .stopping: "stopping"
        case .starting: "starting"
        case .waitingForReady: "waiting for ready"
        case .reconnecting: "reconnecting"
        }
    }

    /// `1.2s`: tenths, the way a person reads a timer.
    static func seconds(_ duration: Duration) -> String {
        let tenths = max(0, duration.milliseconds / 100)
        return "\(tenths / 10).\(tenths % 10)s"
    }
}
