/// What altv-dev tells the terminal beside the `--events` contract: each with typed fields, worded
/// by `Narrator` alone. Where a field is an error's or a finding's text, that text is the error's own.
public enum Notice: Equatable, Sendable {
    case process(ProcessNotice)
    case service(ServiceNotice)
    case watch(WatchNotice)
    case loop(LoopNotice)
    case client(ClientNotice)
    /// `altv-dev reconnect`, the one-shot command.
    case reconnectCommand(ReconnectCommandNotice)
}

/// The server, the stages, and any child's stop.
public enum ProcessNotice: Equatable, Sendable {
    case serverSpawned(pid: Int32, command: String)
    case serverSignalled(signal: String, group: Int32)
    case portStillTaken(port: Int, waitingUpTo: Duration)
    case consoleCommandTyped(String)
    case serverDidNotStart(error: String)
    case serverStoppedAtExit(Duration)
    case killedAfterTimeout(name: String, timeout: Duration, signal: String)
    case survivedKill(name: String, group: Int32)
    /// Processes it started in sessions of their own, outside its group, ended with it.
    case strays(name: String, pids: [Int32])
    case stageSpawned(name: String, pid: Int32, command: String)
    case stagesRunning([String])
    case stagesChangedNoResource
    /// A changed resource that server.toml's `resources` does not list.
    case resourceNotLoaded(String, serverToml: String)
    /// `stop` for a resource whose folder is gone did not work: the whole server restarts.
    case resourceStopFailed(ResourceRestartFailure)
    /// A resource whose stage failed: the console restart leaves it out.
    case resourceHeldBack(String, stages: [String])
    /// A bundled file's source map could not be read: its frames are shown as the server printed them.
    case sourceMapIgnored(file: String, reason: String)
}

public enum ServiceNotice: Equatable, Sendable {
    case removed(String)
    case changed(String)
    case spawned(name: String, pid: Int32, command: String)
    case didNotStart(name: String, error: String)
    case gaveUp(name: String, failures: Int, within: Duration)
    case restarting(name: String, in: Duration)
    case stopped(name: String, after: Duration)
    /// Its signal went out a while ago and it still runs: what altv-dev waits for, and until when.
    case stillStopping(name: String, signal: String, timeout: Duration)
    case awaited(name: String, pattern: String)
    case notReady(name: String, pattern: String, within: Duration)
}

/// The watcher and the config file.
public enum WatchNotice: Equatable, Sendable {
    /// The first walk is done; what it could not watch with inotify is polled every `pollInterval`.
    case watching(WatchSummary, pollInterval: Duration)
    /// The same after new `[watch]` settings.
    case watchingAgain(WatchSummary, pollInterval: Duration)
    case watcherFailed(error: String)
    case stageOutputEvents(Int)
    case fileEvent(FileEvent.Kind, path: String)
    case watcherWarning(String)
    /// A folder left unwatched for want of permission can be read now: watched from now on.
    case readableAgain(String)
    case configFileGone(String)
    case configKept(String)
    case configUnchanged
    case weakPassword(String)
    case passwordMismatch(String)
}

/// The loop itself and the terminal's typed lines.
public enum LoopNotice: Equatable, Sendable {
    case notStarted(error: String)
    case noGuardian(error: String)
    case standardInputClosed
    /// Ctrl+D at a terminal that is still there: said, and reading goes on.
    case endOfInputTyped
    case commandsHint
    case stoppingEarly
    /// A cycle a newer change set replaced before it began: its number is not silently skipped.
    case cycleSkipped(Int)
    case help
    case unknownCommand(String)
    case notSent(String)
    case restartCommand
    /// `send` and `wait` cannot reach this watch: why.
    case noControlSocket(error: String)
    case resourceRestartCommand(String)
    case reconnectCommand
    /// The `--events` file could not be written (its reader went away, say).
    case eventsFileWarning(String)
    /// The alt:V doctor's finding after the first build: an entry file the stages should have written.
    case notBuilt(DoctorFinding)
}

public enum ReconnectCommandNotice: Equatable, Sendable {
    case unreachable(url: String, error: String)
    case waiting(status: String)
    case sent(was: String)
    case gaveUp(after: Duration, last: String)
    case postFailed(url: String, error: String)
    case notAClient(url: String, answer: String)
}

public enum ClientNotice: Equatable, Sendable {
    /// `quiet`: the client has been away since an earlier reconnect said so.
    case unreachable(url: String, error: String, retryEvery: Duration, upTo: Duration, quiet: Bool)
    case hint
    case waiting(status: String)
    case sendingReconnect(status: String)
}
