/// Carries out one plan against the ports, telling what happens as `LoopEvent`s. Everything it
/// needs of the config is in the plan: a config saved meanwhile changes nothing here.
public struct PlanExecutor: Sendable {
    public var server: any ServerControl
    public var stages: any StageExecuting
    public var services: (any ServiceReadiness)?
    public var client: any ClientReconnecting
    public var now: @Sendable () -> ContinuousClock.Instant
    public var emit: @Sendable (LoopEvent) -> Void

    /// How long after its ready line a server's exit still fails the cycle that started it.
    public static let readySettle: Duration = .milliseconds(250)

    public init(
        server: any ServerControl, stages: any StageExecuting, services: (any ServiceReadiness)?, client: any ClientReconnecting,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, emit: @escaping @Sendable (LoopEvent) -> Void
    ) {
        self.server = server
        self.stages = stages
        self.services = services
        self.client = client
        self.now = now
        self.emit = emit
    }

    /// One cycle's progress: what the summary line will say, and the server it started.
    struct Run {
        let number: Int
        let plan: Plan
        var report: CycleReport
        var instance: (any ServerInstance)?
        var resourcesWritten: [String] = []
        var statusPrefetch: StatusPrefetch?

        /// Where a step leaves the cycle: go on, or end it now.
        enum Step { case next, end(CycleOutcome) }
    }

    public func run(_ plan: Plan, cycle number: Int, trigger description: String) async -> CycleOutcome {
        var run = Run(number: number, plan: plan, report: CycleReport(number: number, trigger: description))
        let outcome = await perform(&run)
        run.statusPrefetch?.cancel()
        emit(.cycleFinished(cycle: number, outcome: outcome, report: run.report))
        return outcome
    }

    private func perform(_ run: inout Run) async -> CycleOutcome {
        guard !Task.isCancelled else { return .cancelled }
        var actions = run.plan.actions[...]
        while let action = actions.popFirst() {
            if Task.isCancelled { return .cancelled }
            let step: Run.Step
            emit(.phase(cycle: run.number, Self.phase(of: action)))
            switch action {
            case .runStages(let names): step = await runStages(names, &run)
            case .awaitServices:
                await services?.waitUntilReady()
                step = .next
            case .restartResources(let planned):
                step = await restartResources(planned, &run, fallback: &actions)
            case .stopServer: step = await stopServer(&run)
            case .startServer: step = await startServer(&run)
            case .awaitReady: step = await awaitReady(&run)
            case .reconnectClient: step = await reconnect(&run)
            }
            if case .end(let outcome) = step { return outcome }
        }
        return await settle(&run)
    }

    static func phase(of action: Plan.Action) -> CyclePhase {
        switch action {
        case .runStages(let names): .building(names)
        case .awaitServices: .waitingForServices
        case .restartResources(let names): .restartingResources(names)
        case .stopServer: .stopping
        case .startServer: .starting
        case .awaitReady: .waitingForReady
        case .reconnectClient: .reconnecting
        }
    }

    private func runStages(_ names: [String], _ run: inout Run) async -> Run.Step {
        let batch = await stages.run(
            batch: run.plan.stages(named: names),
            variables: StageRunner.variables(changed: run.plan.changedPaths, resources: run.plan.resources), plan: run.plan.settings)
        run.resourcesWritten += batch.resourcesWritten.filter { !run.resourcesWritten.contains($0) }
        for result in batch.results {
            emit(.stageFinished(cycle: run.number, result: result))
            if result.outcome == .succeeded { run.report.stages.append((result.name, result.duration)) }
        }
        if batch.results.contains(where: { $0.outcome == .cancelled }) { return .end(.cancelled) }
        guard let failed = batch.results.first(where: { $0.outcome != .succeeded }) else { return .next }
        let kept = await server.isRunning() ? "the running server keeps running" : "the server was not started"
        run.report.result = .failed("\(failed.name) failed; \(kept); the next change tries again")
        return .end(.stageFailed)
    }

    private func restartResources(_ planned: [String], _ run: inout Run, fallback: inout ArraySlice<Plan.Action>) async -> Run.Step {
        let names = planned + run.resourcesWritten.filter { !planned.contains($0) }
        guard !names.isEmpty else {
            emit(.note("the stages changed no resource: nothing to restart", .info))
            return .next
        }
        let started = now()
        let outcome = await server.restartResources(names, timeout: run.plan.settings.server.readyTimeout)
        let duration = now() - started
        switch outcome {
        case .restarted:
            emit(.resourcesRestarted(cycle: run.number, resources: names, ok: true, duration: duration, failure: nil))
            run.report.resourcesRestarted = (names, duration)
            if let first = run.plan.firstEventAt { run.report.saveToReady = now() - first }
            return .next
        case .failed(let reason):
            emit(.resourcesRestarted(cycle: run.number, resources: names, ok: false, duration: duration, failure: reason))
            fallback = run.plan.fallback[...] + fallback
            return .next
        case .cancelled:
            return .end(.cancelled)
        }
    }

    private func stopServer(_ run: inout Run) async -> Run.Step {
        if let stop = await server.stop() {
            run.report.stop = stop.duration
            emit(.serverStopped(cycle: run.number, pid: stop.pid, duration: stop.duration, killed: stop.killed))
        }
        // A newer change set is waiting: it starts the server, not this one.
        return Task.isCancelled ? .end(.cancelled) : .next
    }

    private func startServer(_ run: inout Run) async -> Run.Step {
        let settings = run.plan.settings.server
        if case .held(let holder) = await server.waitForPort(settings.port, timeout: settings.stopTimeout) {
            if Task.isCancelled { return .end(.cancelled) }
            run.report.result = .failed(
                "not started: port \(settings.port) is held by \(holder ?? "a process that is gone now"); stop it, or set [server] port if the server uses another")
            return .end(.completed)
        }
        do {
            let instance = try await server.start(settings: settings, hiding: [run.plan.settings.reconnect.passwordEnv])
            run.instance = instance
            if run.plan.actions.contains(.reconnectClient) {
                run.statusPrefetch = client.prefetchStatus(run.plan.settings.reconnect, whenReady: instance)
            }
            emit(.serverStarted(cycle: run.number, pid: instance.pid))
            return .next
        } catch {
            emit(.note("\(error)", .error))
            run.report.result = .failed("server did not start; waiting for a change")
            return .end(.completed)
        }
    }

    private func awaitReady(_ run: inout Run) async -> Run.Step {
        guard let instance = run.instance else { return .end(.completed) }
        let settings = run.plan.settings.server
        switch await instance.waitUntilReady(timeout: settings.readyTimeout) {
        case .ready(let after):
            run.report.startToReady = after
            if let first = run.plan.firstEventAt { run.report.saveToReady = instance.startedAt + after - first }
            emit(.serverReady(cycle: run.number, pid: instance.pid, after: after))
            run.report.failedResources = instance.failedResourcesAtStart
            if !run.report.failedResources.isEmpty {
                let names = run.report.failedResources.joined(separator: ", ")
                emit(.note("the server is up, but failed to load resource \(names) (see its lines above)", .warning))
            }
            return .next
        case .exited(let status, let readyAfter?):
            run.report.startToReady = readyAfter
            run.report.result = .failed(exitedAfterReady(instance, status: status))
        case .exited(let status, nil):
            run.report.result = .failed("server \(status) before it was ready")
        case .timedOut:
            run.report.result = .failed(
                "no line matched /\(settings.ready)/ within \(settings.readyTimeout.humanReadable); the server keeps running (check [server] ready)")
            run.report.isWarning = true
        case .cancelled:
            return .end(.cancelled)
        }
        return .end(.completed)
    }

    private func reconnect(_ run: inout Run) async -> Run.Step {
        switch await reconnectUnlessExited(run.instance, run.plan.settings.reconnect, prefetched: run.statusPrefetch) {
        case .reconnected(let was, let after)?:
            run.report.reconnect = after
            emit(.clientReconnected(cycle: run.number, was: was, duration: after))
        case .notConnected(let reason)?:
            run.report.result = .clientNotConnected
            emit(.clientFailed(cycle: run.number, reason: reason))
        case .failed(let reason)?:
            run.report.result = .failed(reason)
            emit(.clientFailed(cycle: run.number, reason: reason))
        case .cancelled?:
            return .end(.cancelled)
        case nil:
            // The server exited while the client was asked: that, not the client, is the verdict.
            if let instance = run.instance, let status = instance.exitStatus {
                run.report.result = .failed(exitedAfterReady(instance, status: status))
                return .end(.completed)
            }
            return .end(.cancelled)
        }
        return .next
    }

    /// The reconnect flow, abandoned (nil) the moment the server it would reconnect to exits.
    private func reconnectUnlessExited(
        _ instance: (any ServerInstance)?, _ settings: ReconnectSettings, prefetched: StatusPrefetch?
    ) async -> ReconnectResult? {
        guard let instance else { return await client.reconnect(settings, prefetched: prefetched) }
        if instance.exitStatus != nil { return nil }
        let client = self.client
        return await withTaskGroup(of: ReconnectResult?.self) { race in
            race.addTask { await client.reconnect(settings, prefetched: prefetched) }
            race.addTask { _ = await instance.waitForExit(until: nil); return nil }
            let first = await race.next() ?? nil
            race.cancelAll()
            if first == .cancelled, instance.exitStatus != nil { return nil }
            return first
        }
    }

    /// A server that dies right after its ready line failed to start, however fast the reconnect was:
    /// the verdict waits until the line is `readySettle` old.
    private func settle(_ run: inout Run) async -> CycleOutcome {
        guard let instance = run.instance, let readyAt = instance.readyAt else { return .completed }
        if instance.exitStatus == nil {
            _ = await instance.waitForExit(until: readyAt + Self.readySettle)
            if Task.isCancelled { return .cancelled }
        }
        if let status = instance.exitStatus { run.report.result = .failed(exitedAfterReady(instance, status: status)) }
        return .completed
    }

    func exitedAfterReady(_ instance: any ServerInstance, status: ExitStatus) -> String {
        guard let readyAt = instance.readyAt else { return "server \(status) after it was ready" }
        return "server \(status) \(max(.zero, (instance.exitedAt ?? now()) - readyAt).humanReadable) after it was ready"
    }
}
