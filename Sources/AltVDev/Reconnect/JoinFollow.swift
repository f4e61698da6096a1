/// After `POST /reconnect` was accepted: follows `GET /status` until the game client is in the
/// game, or back in the menu, which is how a refused join shows (a wrong password: the server
/// answers `DENIED` and the client returns to MAIN_MENU). The answer of the POST itself is not
/// documented, so the statuses are what is judged.
public struct JoinFollow<C: Clock>: Sendable where C.Duration == Duration {
    public let endpoint: any DebugEndpoint
    /// The status the POST was sent in.
    public let before: ClientStatus
    public let interval: Duration
    public let timeout: Duration
    public let clock: C
    public let redactor: Redactor

    /// A client still where it was this long after the POST, never seen leaving, did what it
    /// will do: IN_GAME is joined (it reconnected between two looks, or did not need to), MAIN_MENU
    /// is refused (a `DENIED` answer is quick: the client may be back before the first look).
    public static var stayed: Duration { .seconds(3) }

    public init(endpoint: any DebugEndpoint, before: ClientStatus, interval: Duration, timeout: Duration, clock: C, redactor: Redactor) {
        self.endpoint = endpoint
        self.before = before
        self.interval = interval
        self.timeout = timeout
        self.clock = clock
        self.redactor = redactor
    }

    public enum Outcome: Equatable, Sendable {
        case joined(after: Duration)
        /// The client went back to the menu or to ERROR, or never got in: why, in words.
        case notJoined(ClientFailure)
        case cancelled
    }

    public func run() async -> Outcome {
        let start = clock.now
        var left = false
        var last = "status \(before)"
        while true {
            do {
                try await clock.sleep(for: interval)
            } catch {
                return .cancelled
            }
            if Task.isCancelled { return .cancelled }
            let elapsed = start.duration(to: clock.now)
            do throws(EndpointError) {
                let status = try await endpoint.status().masked(by: redactor)
                last = "status \(status)"
                switch status {
                case .connecting, .downloadingFiles, .disconnecting, .loading: left = true
                case .inGame where left || before != .inGame || elapsed >= Self.stayed: return .joined(after: elapsed)
                case .mainMenu where left || elapsed >= Self.stayed:
                    return .notJoined(.wentBackToMainMenu)
                case .error: return .notJoined(.inError)
                case .unknown: return .notJoined(.unknownStatusAfterPost("\(status)"))
                default: break
                }
            } catch {
                if Task.isCancelled { return .cancelled }
                last = "client \(error.masked(by: redactor))"
            }
            if elapsed + interval > timeout {
                return .notJoined(.didNotJoin(within: timeout, last: last))
            }
        }
    }
}
