/// Runs the reconnect flow for the loop (after a restart, or `:rc`), telling the user what it
/// sees; the hint about an absent client is given once per outage, not once per cycle.
public actor ClientReconnector: ClientReconnecting {
    private let emit: @Sendable (LoopEvent) -> Void
    /// Kept while the settings stay, so a connection's setup is paid once, not on every reconnect.
    private var endpoint: (settings: ReconnectSettings, endpoint: any DebugEndpoint)?
    private let makeEndpoint: @Sendable (ReconnectSettings) -> any DebugEndpoint
    /// The hint about an absent game client was given and the client has not answered since.
    private var hintGiven = false

    public init(
        makeEndpoint: @escaping @Sendable (ReconnectSettings) -> any DebugEndpoint = ClientReconnector.httpEndpoint,
        emit: @escaping @Sendable (LoopEvent) -> Void
    ) {
        self.makeEndpoint = makeEndpoint
        self.emit = emit
    }

    @Sendable public static func httpEndpoint(_ settings: ReconnectSettings) -> any DebugEndpoint {
        HTTPDebugEndpoint(baseURL: settings.url, requestTimeout: min(.seconds(5), settings.timeout))
    }

    private func endpoint(for settings: ReconnectSettings) -> any DebugEndpoint {
        if let endpoint, endpoint.settings == settings { return endpoint.endpoint }
        let made = makeEndpoint(settings)
        endpoint = (settings, made)
        return made
    }

    public func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult {
        await reconnect(settings, prefetched: nil)
    }

    /// Runs on the HTTP thread: the ready line wakes it there, and the GET goes out without another hop.
    nonisolated public func prefetchStatus(_ settings: ReconnectSettings, whenReady server: any ServerInstance) -> StatusPrefetch? {
        Task(executorPreference: HTTPEventLoop.executor) {
            let endpoint = await self.endpoint(for: settings)
            guard await server.waitForReadyLine(), !Task.isCancelled else { return nil }
            do throws(EndpointError) {
                return .success(try await endpoint.status())
            } catch {
                return .failure(error)
            }
        }
    }

    public func reconnect(_ settings: ReconnectSettings, prefetched: StatusPrefetch?) async -> ReconnectResult {
        let endpoint = endpoint(for: settings)
        let flow = ReconnectFlow(
            endpoint: prefetched.map { PrefetchedEndpoint(endpoint, first: $0) } ?? endpoint,
            password: settings.password, retryInterval: settings.retryInterval,
            timeout: settings.timeout, clock: ContinuousClock())
        let hintGiven = self.hintGiven
        let emit = self.emit
        var unreachable = false
        let outcome = await withTaskExecutorPreference(HTTPEventLoop.executor) {
            await flow.run { progress in
            switch progress {
            case .unreachable(let error):
                unreachable = true
                let line = "game client at \(settings.url) \(error); retrying every \(settings.retryInterval.humanReadable) for up to \(settings.timeout.humanReadable)"
                // Said in full once per outage; while the game stays away, later cycles say it only with --verbose.
                emit(.note(line, hintGiven ? .debug : .warning))
                if !hintGiven { emit(.note(Self.clientHint, .info)) }
            case .waiting(let status):
                emit(.note("game client is \(status); waiting for MAIN_MENU or IN_GAME", .info))
            case .sendingReconnect(let status):
                emit(.note("game client is \(status): sending POST /reconnect", .debug))
            }
            }
        }
        // A flow cancelled by a newer change learned nothing about the client: the hint state stays.
        if outcome != .cancelled { self.hintGiven = unreachable }
        return result(of: outcome, settings: settings, quiet: unreachable && hintGiven)
    }

    private func result(of outcome: ReconnectFlow<ContinuousClock>.Outcome, settings: ReconnectSettings, quiet: Bool) -> ReconnectResult {
        switch outcome {
        case .reconnected(let status, let after):
            return .reconnected(was: "\(status)", after: after)
        case .gaveUp(let last):
            emit(.note("gave up reconnecting after \(settings.timeout.humanReadable) (\(last)); the next change tries again", quiet ? .debug : .warning))
            return .notConnected("gave up after \(settings.timeout.humanReadable): \(last)")
        case .rejected(let error):
            let source = settings.passwordSource.map { " (password from \($0))" } ?? " (no password set)"
            emit(.note("POST \(settings.url)/reconnect failed: \(error)\(source)", .error))
            return .failed("the game client refused the reconnect")
        case .notAClient(let answer):
            emit(.note(
                "\(settings.url) is not an alt:V client: GET /status answered \(answer), not a status like MAIN_MENU; check [reconnect] url",
                .error))
            return .failed("not an alt:V client at \(settings.url)")
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

/// The endpoint, with its first `/status` answer already asked for (at the ready line).
struct PrefetchedEndpoint: DebugEndpoint {
    let base: any DebugEndpoint
    let first: StatusPrefetch
    private let used = OnceFlag()

    init(_ base: any DebugEndpoint, first: StatusPrefetch) {
        self.base = base
        self.first = first
    }

    func status() async throws(EndpointError) -> ClientStatus {
        if !used.isSet {
            used.set()
            if let answer = await first.value { return try answer.get() }
        }
        return try await base.status()
    }

    func reconnect(password: Secret?) async throws(EndpointError) {
        try await base.reconnect(password: password)
    }
}
