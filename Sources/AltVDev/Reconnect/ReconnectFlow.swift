/// The client's auto-reconnect, as the alt:V article describes it: poll `/status` until the
/// client is in `MAIN_MENU` or `IN_GAME`, then `POST /reconnect` with the password.
public struct ReconnectFlow<C: Clock>: Sendable where C.Duration == Duration {
    public let endpoint: any DebugEndpoint
    public let password: Secret?
    public let retryInterval: Duration
    public let timeout: Duration
    public let clock: C

    public init(endpoint: any DebugEndpoint, password: Secret?, retryInterval: Duration, timeout: Duration, clock: C) {
        self.endpoint = endpoint
        self.password = password
        self.retryInterval = retryInterval
        self.timeout = timeout
        self.clock = clock
    }

    /// Something worth telling the user while the flow runs; each is reported once per change.
    public enum Progress: Equatable, Sendable {
        case unreachable(EndpointError)
        case waiting(ClientStatus)
        case sendingReconnect(ClientStatus)
    }

    public enum Outcome: Equatable, Sendable {
        case reconnected(from: ClientStatus, after: Duration)
        /// `timeout` passed without the client becoming ready; `last` is what it said last.
        case gaveUp(last: String)
        /// The POST itself failed; not retried, so a wrong password is not hammered.
        case rejected(EndpointError)
        /// `/status` answered something that is no alt:V status (another program on that port): said at once.
        case notAClient(String)
        case cancelled
    }

    /// Runs the flow; what the client said is masked (its answers are not ours to trust).
    public func run(progress: (Progress) -> Void = { _ in }) async -> Outcome {
        let redactor = Redactor(secrets: [password?.value].compactMap { $0 })
        let start = clock.now
        var lastReport: Progress?
        func report(_ item: Progress) {
            // An unreachable client's message varies (timings in it): one report per outage is enough.
            if case .unreachable = item, case .unreachable = lastReport { return }
            if item != lastReport { progress(item) }
            lastReport = item
        }
        var last = "nothing yet"
        while true {
            if Task.isCancelled { return .cancelled }
            do throws(EndpointError) {
                let status = try await endpoint.status().masked(by: redactor)
                if case .unknown = status { return .notAClient(status.description) }
                last = "status \(status)"
                if status.acceptsReconnect {
                    report(.sendingReconnect(status))
                    do throws(EndpointError) {
                        try await endpoint.reconnect(password: password)
                    } catch {
                        return Task.isCancelled ? .cancelled : .rejected(error.masked(by: redactor))
                    }
                    return .reconnected(from: status, after: start.duration(to: clock.now))
                }
                report(.waiting(status))
            } catch {
                if Task.isCancelled { return .cancelled }
                let error = error.masked(by: redactor)
                // Something answered /status, and not as the client does (a 404 page): no use waiting for it.
                // Said after "GET /status answered": the words without their own "answered".
                if case .httpStatus(let code, let body) = error { return .notAClient("HTTP \(code)" + (body.isEmpty ? "" : ": \(ClientStatus.shown(body))")) }
                last = "client \(error)"
                report(.unreachable(error))
            }
            // Tried until the timeout itself: the last wait is cut to it, so "gave up after 5s" is 5 s.
            let elapsed = start.duration(to: clock.now)
            guard elapsed < timeout else { return .gaveUp(last: last) }
            do {
                try await clock.sleep(for: min(retryInterval, timeout - elapsed))
            } catch {
                return .cancelled
            }
        }
    }
}
