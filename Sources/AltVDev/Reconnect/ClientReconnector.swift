/// Runs the reconnect flow for the loop (after a restart, or `:rc`), telling the user what it
/// sees; the hint about an absent client is given once per outage, not once per cycle.
public actor ClientReconnector: ClientReconnecting {
    private let emit: @Sendable (LoopEvent) -> Void
    /// Kept while the settings stay, so a connection's setup is paid once, not on every reconnect.
    private var endpoint: (settings: ReconnectSettings, endpoint: any DebugEndpoint)?
    private let makeEndpoint: @Sendable (ReconnectSettings) -> any DebugEndpoint
    /// The hint about an absent game client was given and the client has not answered since.
    private var hintGiven = false
    /// The reconnect after a cycle's ready line, running on its own.
    private var background: Task<Void, Never>?
    /// Runs `[reconnect] command`; without one such a command is not run.
    private let runCommand: ReconnectCommandRunner?

    public init(
        makeEndpoint: @escaping @Sendable (ReconnectSettings) -> any DebugEndpoint = ClientReconnector.httpEndpoint,
        runCommand: ReconnectCommandRunner? = nil, emit: @escaping @Sendable (LoopEvent) -> Void
    ) {
        self.makeEndpoint = makeEndpoint
        self.runCommand = runCommand
        self.emit = emit
    }

    @Sendable public static func httpEndpoint(_ settings: ReconnectSettings) -> any DebugEndpoint {
        HTTPDebugEndpoint(baseURL: settings.url, requestTimeout: min(Timings.httpRequest, settings.timeout))
    }

    private func endpoint(for settings: ReconnectSettings) -> any DebugEndpoint {
        if let endpoint, endpoint.settings == settings { return endpoint.endpoint }
        let made = makeEndpoint(settings)
        endpoint = (settings, made)
        return made
    }

    public func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult {
        await reconnect(settings, answered: nil)
    }

    /// The flow, then the join followed until the client is in the game; `answered` learns
    /// whether the client answered its first `/status` at all.
    private func reconnect(_ settings: ReconnectSettings, answered: Latch<Bool>?) async -> ReconnectResult {
        // A client with no endpoint (FiveM's) is reached by the user's command: nothing to wait for.
        if let command = settings.command, let runCommand {
            answered?.fulfill(true)
            return .ranCommand(await runCommand(command, settings))
        }
        let endpoint = endpoint(for: settings)
        let flow = ReconnectFlow(
            endpoint: endpoint,
            password: settings.password, retryInterval: settings.retryInterval,
            timeout: settings.timeout, clock: ContinuousClock())
        let hintGiven = self.hintGiven
        let emit = self.emit
        var unreachable = false
        let outcome = await flow.run { progress in
            switch progress {
            case .unreachable(let error):
                unreachable = true
                answered?.fulfill(false)
                // Said in full once per outage; while the game stays away, later cycles say it only with --verbose.
                emit(
                    .notice(
                        .client(
                            .unreachable(
                                url: settings.url, error: "\(error)", retryEvery: settings.retryInterval, upTo: settings.timeout, quiet: hintGiven))))
                if !hintGiven { emit(.notice(.client(.hint))) }
            case .waiting(let status):
                answered?.fulfill(true)
                emit(.notice(.client(.waiting(status: "\(status)"))))
            case .sendingReconnect(let status):
                answered?.fulfill(true)
                emit(.notice(.client(.sendingReconnect(status: "\(status)"))))
            }
        }
        // A flow cancelled by a newer change learned nothing about the client: the hint state stays.
        if outcome != .cancelled {
            self.hintGiven = unreachable
            // A garbage answer or a refused POST came from something that is there.
            answered?.fulfill(!unreachable)
        }
        guard case .reconnected(let status, let after) = outcome else {
            return result(of: outcome, settings: settings, again: unreachable && hintGiven)
        }
        let join = JoinFollow(
            endpoint: endpoint, before: status, interval: min(settings.retryInterval, Self.joinPollInterval), timeout: settings.timeout,
            clock: ContinuousClock(), redactor: Redactor(secrets: [settings.password?.value].compactMap { $0 }))
        switch await join.run() {
        case .joined(let joinedAfter): return .reconnected(was: "\(status)", after: after + joinedAfter)
        case .notJoined(let reason): return .failed(reason)
        case .cancelled: return .cancelled
        }
    }

    /// How often the join is looked at after the POST: the client moves through its states in seconds.
    static let joinPollInterval: Duration = .milliseconds(100)

    /// Runs the reconnect after `cycle`'s ready line on its own, so the cycle's verdict does not
    /// wait for a game that may not be running; says how it ended as `client.reconnected` or
    /// `client.failed` of that cycle. A newer call or `cancelBackground` cancels it, and so does
    /// the exit of `server`.
    public func reconnectInBackground(
        _ settings: ReconnectSettings, cycle: Int, server: any ServerInstance
    ) -> BackgroundReconnect {
        background?.cancel()
        let handle = BackgroundReconnect()
        let emit = self.emit
        background = Task {
            await handle.run(cycle: cycle, server: server, emit: emit) {
                await self.reconnect(settings, answered: handle.clientAnswered)
            }
        }
        return handle
    }

    /// A newer cycle restarts the server: the reconnect to the old one is moot.
    public func cancelBackground() {
        background?.cancel()
        background = nil
    }

    private func result(of outcome: ReconnectFlow<ContinuousClock>.Outcome, settings: ReconnectSettings, again: Bool) -> ReconnectResult {
        switch outcome {
        case .reconnected(let status, let after):
            return .reconnected(was: "\(status)", after: after)
        case .gaveUp(let last):
            return .notConnected(.gaveUp(after: settings.timeout, last: last), again: again)
        case .rejected(let error):
            return .failed(.rejected(url: settings.url, error: "\(error)", passwordSource: settings.passwordSource))
        case .notAClient(let answer):
            return .failed(.notAClient(url: settings.url, answer: answer))
        case .cancelled:
            return .cancelled
        }
    }

    /// What to check when the game client does not answer at all, said once per outage.
    static let clientHint = """
        the game client's debug endpoint does not answer. Check that the game is running with alt:V, that \
        `debug = true` is set in the client's altv.toml and in server.toml, and that [reconnect] url is right; \
        or set [reconnect] enabled = false to stop trying
        """
}

/// A reconnect running on its own after a cycle's ready line.
public final class BackgroundReconnect: Sendable {
    /// True once the client answered `/status`; false when it did not (or the flow ended first).
    public let clientAnswered = Latch<Bool>()
    /// The cycle's verdict was said: the reconnect's own line comes after it, never before.
    public let verdictSaid = Latch<Void>()
    public let finished = Latch<Void>()

    public init() {}

    /// What every reconnect on its own does around its flow: the flow is abandoned when `server`
    /// exits (that cycle says so), and its outcome is told only after the cycle's verdict.
    public func run(
        cycle: Int, server: any ServerInstance, emit: @Sendable (LoopEvent) -> Void, flow: @escaping @Sendable () async -> ReconnectResult
    ) async {
        let outcome = await withTaskGroup(of: ReconnectResult?.self) { race in
            race.addTask { await flow() }
            race.addTask { _ = await server.waitForExit(until: nil); return nil }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first
        }
        clientAnswered.fulfill(false)
        // A newer cycle cancelled it while its own cycle's verdict was pending: nothing to tell.
        if await verdictSaid.wait() != nil, let event = outcome?.event(cycle: cycle) { emit(event) }
        finished.fulfill(())
    }
}

extension ReconnectResult {
    /// `client.reconnected` or `client.failed` of `cycle` (nil after `:rc`); nothing for a cancelled flow.
    public func event(cycle: Int?) -> LoopEvent? {
        switch self {
        case .reconnected(let was, let after): .clientReconnected(cycle: cycle, was: was, duration: after)
        case .notConnected(let reason, let again): .clientFailed(cycle: cycle, reason: reason, refused: false, again: again)
        case .failed(let reason): .clientFailed(cycle: cycle, reason: reason, refused: true)
        case .ranCommand(let report): .clientCommand(cycle: cycle, report)
        case .cancelled: nil
        }
    }
}
