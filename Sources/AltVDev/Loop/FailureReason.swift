/// Why a cycle failed, as a value: the executor decides it, `Narrator+Reasons` words it (the same
/// words are the `reason` of `cycle.finished` in the event stream).
public enum CycleFailure: Equatable, Sendable {
    /// A stage failed; what became of the server it would have restarted.
    case stageFailed(String, server: ServerAfterStageFailure)
    /// A stage failed; the resources it builds kept their old code, the rest of the change was restarted.
    case stageFailedHeldBack(String, held: [String])
    /// A `stop_first` stage failed after its resources were stopped: they stay stopped, the rest was restarted.
    case stageFailedResourcesStopped(String, stopped: [String])
    /// A console restart's resources did not load; the server runs on.
    case resourcesFailedToLoad(count: Int)
    case portHeld(port: Int, holder: String?)
    case serverDidNotStart
    /// The server is up without the resources it failed to load.
    case resourcesFailedAtStart(count: Int)
    case exitedBeforeReady(ExitStatus)
    /// `after`: how long after its ready line (nil when that is unknown).
    case exitedAfterReady(ExitStatus, after: Duration?)
    case noReadyLine(pattern: String, within: Duration)

    public enum ServerAfterStageFailure: Equatable, Sendable {
        case keepsRunning
        /// The early stop at the burst's first event had already taken it down.
        case stoppedForTheChange
        /// The cycle stopped it for a `stop_first = true` stage.
        case stoppedForTheStage
        /// The cycle stopped these resources for a `stop_first = true` stage; the server runs on without them.
        case runsWithout([String])
        case notStarted

        init(_ state: ServerState) {
            switch state {
            case .starting, .running: self = .keepsRunning
            case .stoppingEarly, .stoppedEarly: self = .stoppedForTheChange
            case .notRunning, .stopping, .exited: self = .notStarted
            }
        }
    }
}

/// Why a change under `on_change = "restart-resources"` restarts the whole server.
public enum FullRestartReason: Equatable, Sendable {
    case eventsLost
    case serverTomlChanged
    /// A changed path (relative to the config's folder) that no resource holds.
    case outsideResources(String)
    case stageWritesOutsideResources(String)
    /// `stop_first = true`: the stage needs the server stopped.
    case stageStopsFirst(String)
    /// The console splits at white space: such a name cannot be typed.
    case untypable(String)
    case noResourceChanged
    case serverNotRunning
    case serverStoppingOrExited
}

/// Why altv-dev stops.
public enum StopCause: Equatable, Sendable {
    /// `:q` typed at the terminal.
    case quit
    case signal(Int32)
}

/// Why the game client did not reconnect.
public enum ClientFailure: Equatable, Sendable {
    /// It never answered (or never left a loading state) within the reconnect `timeout`; `last` is the last error seen.
    case gaveUp(after: Duration, last: String)
    /// `POST /reconnect` failed (a wrong password, say).
    case rejected(url: String, error: String, passwordSource: String?)
    /// Something that is no alt:V client answered `GET /status`.
    case notAClient(url: String, answer: String)
    /// After the POST the client went back to MAIN_MENU instead of joining.
    case wentBackToMainMenu
    /// After the POST the client is in ERROR.
    case inError
    /// After the POST `/status` answered something that is no alt:V status.
    case unknownStatusAfterPost(String)
    /// After the POST the client did not reach IN_GAME in time; `last` is what it said last.
    case didNotJoin(within: Duration, last: String)
}

/// Why a console restart of resources did not happen (a full restart may mend it).
public enum ResourceRestartFailure: Equatable, Sendable {
    case serverNotRunning
    /// The console splits at white space: such a name cannot be typed.
    case untypable(String)
    /// The console answered `Usage: …` to the command.
    case usage(String, command: String)
    case refusedBoth(String)
    case refused(String)
    case consoleClosed
    case exitedDuring(ExitStatus, command: String)
    case noLoadedLine(String, within: Duration, command: String)
    case noStoppedLine(String, within: Duration, command: String)
    /// The console did it, but these resources did not come back (said with each one's kind).
    case didNotLoad([FailedResource])
}
