/// The words for each reason value: here, beside the Narrator, so the loop's types hold no English.

extension CycleFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .stageFailed(let stage, let server):
            let kept =
                switch server {
                case .keepsRunning: "the running server keeps running"
                case .stoppedForTheChange: "the server was stopped when the change came and was not started again"
                case .stoppedForTheStage: "the server was stopped for it (stop_first = true) and was not started again"
                case .runsWithout(let names):
                    "the server runs without resource\(names.count == 1 ? "" : "s") \(names.joined(separator: ", ")), stopped for it (stop_first = true)"
                case .notStarted: "the server was not started"
                }
            return "\(stage) failed; \(kept); the next change tries again"
        case .stageFailedResourcesStopped(let stage, let stopped):
            let names = stopped.joined(separator: ", ")
            return "\(stage) failed; resource\(stopped.count == 1 ? "" : "s") \(names) \(stopped.count == 1 ? "stays" : "stay") stopped (stop_first = true), the rest was restarted; the next change tries again"
        case .stageFailedHeldBack(let stage, let held):
            let names = held.joined(separator: ", ")
            return "\(stage) failed; resource\(held.count == 1 ? "" : "s") \(names) \(held.count == 1 ? "keeps its" : "keep their") old code, the rest was restarted; the next change tries again"
        case .resourcesFailedToLoad(let count): return "the server keeps running; the next save loads \(count == 1 ? "it" : "them") again"
        case .portHeld(let port, let holder):
            return "not started: port \(port) is held by \(holder ?? "a process that is gone now"); stop it, or set [server] port if the server uses another"
        case .serverDidNotStart: return "server did not start; waiting for a change"
        case .resourcesFailedAtStart(let count):
            return "the server runs without \(count == 1 ? "it" : "them"); a save that fixes it loads it again"
        case .exitedBeforeReady(let status): return "server \(status) before it was ready"
        case .exitedAfterReady(let status, let after?): return "server \(status) \(after.humanReadable) after it was ready"
        case .exitedAfterReady(let status, nil): return "server \(status) after it was ready"
        case .noReadyLine(let pattern, let within):
            return "no line matched /\(pattern)/ within \(within.humanReadable); the server keeps running (check [server] ready)"
        }
    }
}

extension FullRestartReason: CustomStringConvertible {
    public var description: String {
        switch self {
        case .eventsLost: "events were lost"
        case .serverTomlChanged: "server.toml changed"
        case .outsideResources(let path): "\(path) is not inside a resource"
        case .stageWritesOutsideResources(let stage): "stage \(stage) has outputs outside the resources (or none)"
        case .stageStopsFirst(let stage): "stage \(stage) has stop_first = true"
        case .untypable(let name): "resource \"\(name)\" has white space in its name, which the server console cannot take"
        case .noResourceChanged: "no resource changed"
        case .serverNotRunning: "the server is not running"
        case .serverStoppingOrExited: "the server is stopping or has exited"
        }
    }
}

extension StopCause: CustomStringConvertible {
    public var description: String {
        switch self {
        case .quit: ":q → stopping the server"
        case .signal(let signal): "\(SignalName.of(signal)) received: stopping the server"
        }
    }
}

extension ClientFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .gaveUp(let after, let last): "gave up reconnecting after \(after.humanReadable) (\(last))"
        case .rejected(let url, let error, let source):
            "POST \(url)/reconnect failed: \(error) (\(source.map { "password from \($0)" } ?? "no password set"))"
        case .notAClient(let url, let answer):
            "\(url) is not an alt:V client: GET /status answered \(answer), not a status like MAIN_MENU; check [reconnect] url"
        case .wentBackToMainMenu:
            "the game client went back to MAIN_MENU instead of joining: the server refused it (a wrong password?) or could not be reached; its console says why"
        case .inError: "the game client is in ERROR after POST /reconnect; its console says why"
        case .unknownStatusAfterPost(let status): "GET /status answered \(status) after POST /reconnect"
        case .didNotJoin(let within, let last): "the game client did not reach IN_GAME within \(within.humanReadable) of POST /reconnect (\(last))"
        }
    }
}

extension ResourceRestartFailure: CustomStringConvertible {
    public var description: String {
        switch self {
        case .serverNotRunning: "the server is not running"
        case .untypable(let name): "resource \"\(name)\" has white space in its name, which the server console cannot take"
        case .usage(let text, let command): "the server console answered `Usage: \(text)` to `\(command)`"
        case .refusedBoth(let name): "the server console refused both `restart \(name)` and `start \(name)`"
        case .refused(let name): "the server console refused `restart \(name)`"
        case .consoleClosed: "the server's console is closed"
        case .exitedDuring(let status, let command): "the server \(status) during `\(command)`"
        case .noLoadedLine(let name, let within, let command): "no \"Loaded resource \(name)\" within \(within.humanReadable) of `\(command)`"
        case .noStoppedLine(let name, let within, let command): "no \"Stopped resource \(name)\" within \(within.humanReadable) of `\(command)`"
        case .didNotLoad(let failed): failed.map { "\($0.name) \($0.kind.rawValue)" }.joined(separator: ", ")
        }
    }
}
