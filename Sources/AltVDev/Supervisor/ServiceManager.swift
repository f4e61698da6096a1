import FoundationEssentials

/// Keeps the `[[service]]` companions running: started before the server, restarted with a
/// backoff when they die, restarted when their settings change, stopped after the server.
public actor ServiceManager {
    private struct Running {
        var settings: ServiceSettings
        var companion: CompanionProcess?
        var backoff = CrashBackoff()
        /// Bumped on every start and stop, so a late exit of an old process changes nothing.
        var generation = 0
        var restart: Task<Void, Never>?
        /// When it failed lately (exited, or did not start), for giving up on one that cannot run.
        var failures: [ContinuousClock.Instant] = []
    }

    /// This many failures within `failureWindow` and a service is not restarted again until its
    /// settings change: one that is not found (exit 127) or exits at once would loop forever.
    public static let failureLimit = 5
    public static let failureWindow: Duration = .seconds(60)

    private let console: Console
    private let emit: @Sendable (LoopEvent) -> Void
    private let guardian: Guardian?
    private let environment: [String: String]
    private var hidden: [String]
    private var stopSignal: StopSignal
    private var stopTimeout: Duration
    private var services: [String: Running] = [:]
    private var order: [String] = []
    private var stopping = false

    public init(console: Console, guardian: Guardian?, environment: [String: String], emit: @escaping @Sendable (LoopEvent) -> Void) {
        self.console = console
        self.emit = emit
        self.guardian = guardian
        self.environment = environment
        self.hidden = []
        self.stopSignal = StopSignal(name: "SIGTERM")!
        self.stopTimeout = .seconds(10)
    }

    /// Makes the running services match `settings`: starts new ones, restarts changed ones, stops
    /// removed ones. Services stop by the server's rules (`stop_signal`, `stop_timeout`).
    public func apply(_ settings: [ServiceSettings], server: ServerSettings, hiding hidden: [String]) async {
        guard !stopping else { return }
        self.hidden = hidden
        stopSignal = server.stopSignal
        stopTimeout = server.stopTimeout
        let wanted = Set(settings.map(\.name))
        for name in order.reversed() where !wanted.contains(name) {
            emit(.notice(.service(.removed(name))))
            await stop(name)
            services[name] = nil
        }
        order = settings.map(\.name)
        for service in settings {
            if let running = services[service.name] {
                guard running.settings != service else { continue }
                emit(.notice(.service(.changed(service.name))))
                await stop(service.name)
            }
            services[service.name] = Running(settings: service)
            start(service.name)
        }
    }

    private func start(_ name: String) {
        guard !stopping, var running = services[name] else { return }
        running.generation += 1
        running.restart = nil
        let generation = running.generation
        let settings = running.settings
        do {
            let companion = try CompanionProcess(
                name: name, command: settings.command, cwd: settings.cwd,
                environment: ProjectBin.adding(
                    to: CompanionProcess.environment(base: environment, hiding: hidden, adding: settings.environment), cwd: settings.cwd),
                console: console, emit: emit, guardian: guardian, ready: try settings.ready.map { try ReadyMatcher(pattern: $0) }, output: settings.output)
            running.companion = companion
            services[name] = running
            emit(.notice(.service(.spawned(name: name, pid: companion.process.pid, command: "\(settings.command)"))))
            Task { [weak self] in
                if let status = await companion.process.exit.wait() { await self?.exited(name, generation: generation, status: status) }
            }
            if settings.ready != nil { reportReady(name, companion) }
        } catch {
            running.companion = nil
            services[name] = running
            emit(.notice(.service(.didNotStart(name: name, error: "\(error)"))))
            scheduleRestart(name, uptime: .zero)
        }
    }

    private func exited(_ name: String, generation: Int, status: ExitStatus) async {
        guard !stopping, let running = services[name], running.generation == generation, let companion = running.companion else { return }
        let uptime = ContinuousClock.now - companion.process.startedAt
        // What it started may linger in its group: take it down before a new one starts.
        await companion.stop(signal: stopSignal, timeout: stopTimeout)
        guard services[name]?.generation == generation else { return }
        services[name]?.companion = nil
        emit(.serviceExited(service: name, pid: companion.process.pid, status: status, uptime: uptime, lastLines: companion.output.lastLines))
        scheduleRestart(name, uptime: uptime)
    }

    /// `service.ready` once its ready line comes, unless it exits first.
    private nonisolated func reportReady(_ name: String, _ companion: CompanionProcess) {
        let emit = self.emit
        Task {
            let ready = await withTaskGroup(of: Bool.self) { race -> Bool in
                race.addTask { await companion.output.ready.wait() != nil }
                race.addTask { _ = await companion.process.exit.wait(); return false }
                let first = await race.next() ?? false
                race.cancelAll()
                return first
            }
            if ready { emit(.serviceReady(service: name, pid: companion.process.pid)) }
        }
    }

    private func scheduleRestart(_ name: String, uptime: Duration) {
        guard !stopping, var running = services[name] else { return }
        let now = ContinuousClock.now
        running.failures = running.failures.filter { now - $0 < Self.failureWindow } + [now]
        if running.failures.count >= Self.failureLimit {
            services[name] = running
            emit(.notice(.service(.gaveUp(name: name, failures: running.failures.count, within: Self.failureWindow))))
            return
        }
        let delay = running.backoff.delay(afterUptime: uptime)
        let generation = running.generation
        emit(.notice(.service(.restarting(name: name, in: delay))))
        running.restart = Task { [weak self] in
            try? await Task.sleep(for: delay)
            guard !Task.isCancelled else { return }
            await self?.restartIfStill(name, generation: generation)
        }
        services[name] = running
    }

    private func restartIfStill(_ name: String, generation: Int) {
        guard services[name]?.generation == generation else { return }
        start(name)
    }

    private func stop(_ name: String) async {
        guard var running = services[name] else { return }
        running.generation += 1
        running.restart?.cancel()
        running.restart = nil
        let companion = running.companion
        running.companion = nil
        services[name] = running
        if let companion {
            let (signal, timeout, emit) = (stopSignal, stopTimeout, emit)
            let report = await withTaskGroup(of: Teardown.Report?.self) { group -> Teardown.Report in
                group.addTask { await companion.stop(signal: signal, timeout: timeout) }
                group.addTask {
                    // Only words: the stop goes on either way.
                    guard await CancellableSleep.for(Timings.slowStopNotice) else { return nil }
                    emit(.notice(.service(.stillStopping(name: name, signal: "\(signal)", timeout: timeout))))
                    return nil
                }
                var report: Teardown.Report?
                for await result in group where result != nil {
                    report = result
                    group.cancelAll()
                }
                return report!
            }
            emit(.notice(.service(.stopped(name: name, after: report.duration))))
        }
    }

    /// Waits for every service that is running but has not printed its ready line, each up to its
    /// `ready_timeout`; one that is down (waiting for its restart) is not waited for.
    public func waitUntilReady() async {
        for name in order {
            guard let running = services[name], let companion = running.companion, let pattern = running.settings.ready else { continue }
            if companion.output.ready.current != nil { continue }
            emit(.notice(.service(.awaited(name: name, pattern: pattern))))
            let deadline = companion.process.startedAt + running.settings.readyTimeout
            let ready = await withTaskGroup(of: Bool?.self) { race -> Bool in
                race.addTask { await companion.output.ready.wait(until: deadline).map { _ in true } }
                race.addTask { await companion.process.exit.wait().map { _ in false } }
                let first = await race.next() ?? nil
                race.cancelAll()
                return first ?? false
            }
            if Task.isCancelled { return }
            if !ready, companion.process.exit.current == nil {
                emit(.notice(.service(.notReady(name: name, pattern: pattern, within: running.settings.readyTimeout))))
            }
        }
    }

    /// altv-dev is stopping: a service that ends from now on (a second Ctrl+C kills it) stays down.
    public func stopRestarting() {
        stopping = true
        for name in order { services[name]?.restart?.cancel() }
    }

    /// Stops every service, last written first; none restarts after this.
    public func stopAll() async {
        stopRestarting()
        for name in order.reversed() { await stop(name) }
    }
}
extension ServiceManager: ServiceReadiness {}
