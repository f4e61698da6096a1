/// Carries out one plan against the ports, telling what happens as `LoopEvent`s. Everything it
/// needs of the config is in the plan: a config saved meanwhile changes nothing here.
public struct PlanExecutor: Sendable {
    public var server: any ServerControl
    public var stages: any StageExecuting
    public var services: (any ServiceReadiness)?
    public var client: any ClientReconnecting
    public var now: @Sendable () -> ContinuousClock.Instant
    public var emit: @Sendable (LoopEvent) -> Void
    /// Told (and awaited) before the cycle starts the server or restarts resources: from then on
    /// a change waits for the cycle instead of cancelling it.
    public var commit: @Sendable (Int) async -> Void

    public static var readySettle: Duration { Timings.readySettle }

    public init(
        server: any ServerControl, stages: any StageExecuting, services: (any ServiceReadiness)?, client: any ClientReconnecting,
        now: @escaping @Sendable () -> ContinuousClock.Instant = { .now }, emit: @escaping @Sendable (LoopEvent) -> Void,
        commit: @escaping @Sendable (Int) async -> Void = { _ in }
    ) {
        self.commit = commit
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
        var committed = false
        /// Gating stages that failed while the resources they build were held back and the others restarted.
        var failedStages: [String] = []
        var heldBack: [String] = []
        /// The reconnect after ready, running on its own.
        var reconnect: BackgroundReconnect?

        /// Where a step leaves the cycle: go on, or end it now.
        enum Step { case next, end(CycleOutcome) }
    }

    public func run(_ plan: Plan, cycle number: Int, trigger description: String) async -> CycleOutcome {
        var run = Run(number: number, plan: plan, report: CycleReport(number: number, trigger: description))
        var outcome = await perform(&run)
        if outcome == .completed, let stage = run.failedStages.first {
            // The stage's failure was said with its lines; the verdict says what it held back, unless something worse happened.
            if run.report.result == .done || run.report.result == .clientNotConnected {
                let stopped = run.heldBack.filter(run.plan.resourcesStoppedFirst.contains)
                run.report.result = .failed(
                    stopped.isEmpty ? .stageFailedHeldBack(stage, held: run.heldBack) : .stageFailedResourcesStopped(stage, stopped: stopped))
            }
            outcome = .partlyApplied(retry: plan.changedPaths(for: run.failedStages))
        }
        emit(.cycleFinished(cycle: number, outcome: outcome, report: run.report))
        run.reconnect?.verdictSaid.fulfill(())
        return outcome
    }

    private func perform(_ run: inout Run) async -> CycleOutcome {
        guard !Task.isCancelled else { return .cancelled }
        var actions = run.plan.actions[...]
        while let action = actions.popFirst() {
            if Task.isCancelled { return .cancelled }
            if !run.committed, action.commitsTheCycle {
                run.committed = true
                await commit(run.number)
                if Task.isCancelled { return .cancelled }
            }
            let step: Run.Step
            if let phase = Self.phase(of: action) { emit(.phase(cycle: run.number, phase)) }
            switch action {
            case .startChecks(let names):
                await stages.startChecks(
                    run.plan.stages(named: names), variables: StageRunner.variables(changed: run.plan.changedPaths, resources: run.plan.resources),
                    plan: run.plan.settings, cycle: run.number)
                step = .next
            case .runStages(let names): step = await runStages(names, &run)
            case .checkBuiltFiles:
                let settings = run.plan.settings
                for finding in AltVDoctor.unbuiltEntryFiles(directory: settings.directory, server: settings.server, stages: settings.stages) {
                    emit(.notice(.loop(.notBuilt(finding))))
                }
                step = .next
            case .awaitServices:
                await services?.waitUntilReady()
                step = .next
            case .restartResources(let planned):
                step = await restartResources(planned, &run, fallback: &actions)
            case .stopResources(let names):
                step = await stopResources(names, &run, fallback: &actions)
            case .stopServer: step = await stopServer(&run)
            case .startServer: step = await startServer(&run)
            case .awaitReady: step = await awaitReady(&run)
            case .reconnectClient: step = await reconnect(&run)
            }
            if case .end(let outcome) = step { return outcome }
        }
        return await settle(&run)
    }

    /// Nil for a step that takes no time of the cycle's.
    static func phase(of action: Plan.Action) -> CyclePhase? {
        switch action {
        case .startChecks, .checkBuiltFiles: nil
        case .runStages(let names): .building(names)
        case .awaitServices: .waitingForServices
        case .restartResources(let names): .restartingResources(names)
        case .stopResources(let names): .stoppingResources(names)
        case .stopServer: .stopping
        case .startServer: .starting
        case .awaitReady: .waitingForReady
        case .reconnectClient: .reconnecting
        }
    }

    private func runStages(_ names: [String], _ run: inout Run) async -> Run.Step {
        let (emit, number) = (emit, run.number)
        for name in names { emit(.stageStarted(cycle: number, stage: name, gate: true)) }
        let batch = await stages.run(
            batch: run.plan.stages(named: names),
            variables: StageRunner.variables(changed: run.plan.changedPaths, resources: run.plan.resources), plan: run.plan.settings,
            finished: { LoopEvent.stageEnded(cycle: number, $0).forEach(emit) })
        run.resourcesWritten += batch.resourcesWritten.filter { !run.resourcesWritten.contains($0) }
        for result in batch.results {
            if result.outcome == .succeeded { run.report.stages.append((result.name, result.duration)) }
        }
        if batch.results.contains(where: { $0.outcome == .cancelled }) { return .end(.cancelled) }
        guard let failed = batch.results.first(where: { $0.outcome != .succeeded }) else { return .next }
        let failedNames = batch.results.filter { $0.outcome != .succeeded }.map(\.name)
        if let held = run.plan.heldBack(byFailureOf: run.failedStages + failedNames) {
            run.failedStages += failedNames
            run.heldBack = held
            return .next
        }
        run.report.result = .failed(.stageFailed(failed.name, server: run.report.stop != nil ? .stoppedForTheStage : .init(run.plan.server)))
        return .end(.stageFailed)
    }

    private func restartResources(_ planned: [String], _ run: inout Run, fallback: inout ArraySlice<Plan.Action>) async -> Run.Step {
        let graph = run.plan.resourceGraph
        var touched = graph.roots(of: planned + run.resourcesWritten.filter { !planned.contains($0) })
        if !run.heldBack.isEmpty {
            // A failed stage's resources keep their old code; the others' changes go ahead.
            let wanted = run.plan.restartCandidates + run.resourcesWritten
            touched = graph.roots(of: wanted.filter { !run.heldBack.contains($0) })
            for name in run.heldBack { emit(.notice(.process(.resourceHeldBack(name, stages: run.failedStages)))) }
        }
        // Typing `start` for a resource the server does not load would load one it was not told to.
        let loads = run.plan.serverLoads.map(Set.init)
        let names = touched.filter { loads?.contains($0) ?? true }
        for name in touched where !names.contains(name) {
            emit(.notice(.process(.resourceNotLoaded(name, serverToml: run.plan.settings.server.serverToml))))
        }
        guard !names.isEmpty else {
            if let stage = run.failedStages.first {
                // Everything the change touched is held back: the cycle failed as the stage did.
                let stopped = run.heldBack.filter(run.plan.resourcesStoppedFirst.contains)
                run.report.result = .failed(.stageFailed(stage, server: stopped.isEmpty ? .init(run.plan.server) : .runsWithout(stopped)))
                return .end(.stageFailed)
            }
            if touched.isEmpty { emit(.notice(.process(.stagesChangedNoResource))) }
            return .next
        }
        let started = now()
        let outcome = await server.restartResources(names, graph: graph, timeout: run.plan.settings.server.readyTimeout)
        let duration = now() - started
        switch outcome {
        case .restarted(let restarted):
            emit(.resourcesRestarted(cycle: run.number, resources: restarted, ok: true, duration: duration, failure: nil, fallsBack: false))
            run.report.resourcesRestarted = ResourceRestartSummary(roots: names, restarted: restarted, duration: duration)
            if let first = run.plan.firstEventAt { run.report.saveToReady = now() - first }
            return .next
        case .loadFailed(let restarted, let failed):
            emit(
                .resourcesRestarted(cycle: run.number, resources: restarted, ok: false, duration: duration, failure: .didNotLoad(failed), fallsBack: false))
            for resource in failed { emit(.resourceFailed(cycle: run.number, resource)) }
            if !restarted.isEmpty { run.report.resourcesRestarted = ResourceRestartSummary(roots: names, restarted: restarted, duration: duration) }
            run.report.failedResources = failed.map(\.name)
            run.report.result = .failed(.resourcesFailedToLoad(count: failed.count))
            return .end(.completed)
        case .failed(let reason):
            emit(.resourcesRestarted(cycle: run.number, resources: names, ok: false, duration: duration, failure: reason, fallsBack: true))
            fallback = run.plan.fallback[...] + fallback
            return .next
        case .cancelled:
            return .end(.cancelled)
        }
    }

    /// Resources whose folders are gone: `stop` in the console; a console that cannot do it means a full restart.
    private func stopResources(_ names: [String], _ run: inout Run, fallback: inout ArraySlice<Plan.Action>) async -> Run.Step {
        let started = now()
        switch await server.stopResources(names, timeout: run.plan.settings.server.readyTimeout) {
        case .stopped(let stopped):
            emit(.resourcesStopped(cycle: run.number, resources: stopped, duration: now() - started))
            // Those a stop_first stage needed stopped come back with the restart; the rest are gone.
            if names != run.plan.resourcesStoppedFirst { run.report.resourcesStopped = stopped }
            return .next
        case .failed(let reason):
            emit(.notice(.process(.resourceStopFailed(reason))))
            // The full restart replaces what is left of the plan: the restart of the other resources too.
            fallback = run.plan.fallback[...]
            return .next
        case .cancelled:
            return .end(.cancelled)
        }
    }

    private func stopServer(_ run: inout Run) async -> Run.Step {
        await client.cancelBackground()
        if let stop = await server.stop() {
            run.report.stop = stop.duration
            emit(.serverStopped(cycle: run.number, pid: stop.pid, duration: stop.duration, killed: stop.killed))
        }
        // A newer change set is waiting: it starts the server, not this one.
        return Task.isCancelled ? .end(.cancelled) : .next
    }

    private func startServer(_ run: inout Run) async -> Run.Step {
        await client.cancelBackground()
        let settings = run.plan.settings.server
        if case .held(let holder) = await server.waitForPort(settings.port, timeout: settings.stopTimeout) {
            if Task.isCancelled { return .end(.cancelled) }
            run.report.result = .failed(.portHeld(port: settings.port, holder: holder))
            return .end(.completed)
        }
        do {
            let instance = try await server.start(settings: settings, hiding: run.plan.settings.reconnect.secretVariables)
            run.instance = instance
            emit(.serverStarted(cycle: run.number, pid: instance.pid))
            return .next
        } catch {
            emit(.notice(.process(.serverDidNotStart(error: "\(error)"))))
            run.report.result = .failed(.serverDidNotStart)
            return .end(.completed)
        }
    }

    private func awaitReady(_ run: inout Run) async -> Run.Step {
        guard let instance = run.instance else { return .end(.completed) }
        let settings = run.plan.settings.server
        switch await instance.waitUntilReady(timeout: settings.readyTimeout) {
        case .ready(let after):
            run.report.startToReady = after
            run.report.reconnect = Self.reconnectNote(run.plan.settings)
            if let first = run.plan.firstEventAt { run.report.saveToReady = instance.startedAt + after - first }
            emit(.serverReady(cycle: run.number, pid: instance.pid, after: after))
            let failed = instance.failedResourcesAtStart
            for resource in failed { emit(.resourceFailed(cycle: run.number, resource)) }
            run.report.failedResources = failed.map(\.name)
            // The server runs the rest: it stays up (and the client reconnects), but the start did not work.
            if !failed.isEmpty { run.report.result = .failed(.resourcesFailedAtStart(count: failed.count)) }
            return .next
        case .exited(let status, let readyAfter?):
            run.report.startToReady = readyAfter
            run.report.result = .failed(exitedAfterReady(instance, status: status))
        case .exited(let status, nil):
            run.report.result = .failed(.exitedBeforeReady(status))
        case .timedOut:
            run.report.result = .failed(.noReadyLine(pattern: settings.ready, within: settings.readyTimeout))
            run.report.isWarning = true
        case .cancelled:
            return .end(.cancelled)
        }
        return .end(.completed)
    }

    /// Hands the reconnect to the client port to run on its own: the cycle's verdict comes at ready.
    private func reconnect(_ run: inout Run) async -> Run.Step {
        guard let instance = run.instance else { return .next }
        run.reconnect = await client.reconnectInBackground(run.plan.settings.reconnect, cycle: run.number, server: instance)
        return .next
    }

    /// What the cycle line says of the client after a start: nothing for alt:V's own flow.
    static func reconnectNote(_ settings: Plan.Settings) -> String? {
        let reconnect = settings.reconnect
        if reconnect.enabled, let command = reconnect.command { return "reconnect by \(command)" }
        guard settings.server.platform != .altv else { return nil }
        return reconnect.command == nil ? "no reconnect ([reconnect] command is not set)" : "no reconnect ([reconnect] enabled = false)"
    }

    /// A server that dies right after its ready line failed to start: the verdict waits until the
    /// line is `readySettle` old. By then the client has said whether it is there at all.
    private func settle(_ run: inout Run) async -> CycleOutcome {
        guard let instance = run.instance, let readyAt = instance.readyAt else { return .completed }
        if instance.exitStatus == nil {
            _ = await instance.waitForExit(until: readyAt + Self.readySettle)
            if Task.isCancelled { return .cancelled }
        }
        if let status = instance.exitStatus {
            run.report.result = .failed(exitedAfterReady(instance, status: status))
        } else if run.report.result == .done, run.reconnect?.clientAnswered.current == false {
            run.report.result = .clientNotConnected
        }
        return .completed
    }

    func exitedAfterReady(_ instance: any ServerInstance, status: ExitStatus) -> CycleFailure {
        .exitedAfterReady(status, after: instance.readyAt.map { max(.zero, (instance.exitedAt ?? now()) - $0) })
    }
}
