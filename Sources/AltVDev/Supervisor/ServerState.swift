/// What is known about the server, as one value: the scheduler holds it, the supervisor's reports
/// and the scheduler's own early stop change it, and each plan is made from it. The supervisor
/// keeps only the handles (process, output) for the pid named here.
public enum ServerState: Equatable, Sendable {
    case notRunning
    /// Started; its ready line has not been seen yet.
    case starting(pid: Int32)
    case running(pid: Int32)
    /// Its stop has begun (by a cycle or the shutdown).
    case stopping(pid: Int32, since: ContinuousClock.Instant)
    /// The scheduler began its stop at a burst's first event; the cycle that burst starts waits for
    /// that stop (if it is still under way) and reports it.
    case stoppingEarly(pid: Int32, since: ContinuousClock.Instant)
    /// Stopped early, and no cycle has reported that stop yet.
    case stoppedEarly(pid: Int32)
    /// It ended without being asked to; its process group may still hold what it started.
    case exited(pid: Int32, ExitStatus)

    public var pid: Int32? {
        switch self {
        case .notRunning: nil
        case .starting(let pid), .running(let pid), .stopping(let pid, _), .stoppingEarly(let pid, _), .stoppedEarly(let pid),
            .exited(let pid, _):
            pid
        }
    }

    /// The next plan stops the server: a process (or its group) is left to stop, or an early stop to report.
    public var needsStop: Bool { self != .notRunning }

    /// Its stop began at a burst's first event: it is down, or going down, already.
    public var stoppedForTheChange: Bool {
        switch self {
        case .stoppingEarly, .stoppedEarly: true
        default: false
        }
    }

    /// The console takes `restart <name>`: a process is up and no stop has begun.
    public var takesConsoleCommands: Bool {
        switch self {
        case .starting, .running: true
        case .notRunning, .stopping, .stoppingEarly, .stoppedEarly, .exited: false
        }
    }

    /// Applies one of the supervisor's reports; returns true when it is an exit nobody asked for.
    /// A report about another pid than the current one is late and changes nothing.
    @discardableResult
    public mutating func apply(_ report: ServerReport, at now: ContinuousClock.Instant) -> Bool {
        switch report {
        case .started(let pid):
            self = .starting(pid: pid)
        case .ready(let pid):
            if self == .starting(pid: pid) { self = .running(pid: pid) }
        case .stopping(let pid):
            guard self.pid == pid else { return false }
            switch self {
            case .stopping, .stoppingEarly, .stoppedEarly: break
            default: self = .stopping(pid: pid, since: now)
            }
        case .exited(let pid, let status, _, _):
            guard takesConsoleCommands, self.pid == pid else { return false }
            self = .exited(pid: pid, status)
            return true
        case .stopped(let pid):
            guard self.pid == pid else { return false }
            self = stoppedForTheChange ? .stoppedEarly(pid: pid) : .notRunning
        case .diagnostic:
            break
        }
        return false
    }

    /// The scheduler's early stop of `pid`, for a server that takes commands (one stop at a time).
    public mutating func beginEarlyStop(of pid: Int32, at now: ContinuousClock.Instant) {
        guard self.pid == pid, takesConsoleCommands else { return }
        self = .stoppingEarly(pid: pid, since: now)
    }
}

/// What the supervisor tells the loop about the server, as it happens.
public enum ServerReport: Equatable, Sendable {
    case started(pid: Int32)
    /// Its ready line was seen.
    case ready(pid: Int32)
    /// Its stop began (signal to its process group).
    case stopping(pid: Int32)
    /// The process ended, asked to or not; its last lines are quoted if nobody asked.
    case exited(pid: Int32, status: ExitStatus, uptime: Duration, lastLines: [String])
    /// Its stop is over: the group is gone and its output drained.
    case stopped(pid: Int32)
    /// A problem it printed: an `[Error]` line or a JS error block.
    case diagnostic(Diagnostic)
}
