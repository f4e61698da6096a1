import FoundationEssentials
import Glibc
import Synchronization

/// How one stage ended.
public struct StageResult: Equatable, Sendable {
    public enum Outcome: Equatable, Sendable {
        case succeeded
        case failed(ExitStatus)
        case timedOut
        case cancelled
        case notStarted(String)
    }

    public var name: String
    public var duration: Duration
    public var outcome: Outcome
    public var lastLines: [String] = []
    /// False for a check (`gate = false`): the cycle did not wait for it.
    public var gate = true
    /// What tsc, esbuild or the C# compiler said in its output, files absolute.
    public var diagnostics: [Diagnostic] = []

    /// For the failure report: `build-core exited with status 2 after 1.2s`.
    public var summary: String {
        switch outcome {
        case .succeeded: "\(name) \(duration.humanReadable)"
        case .failed(let status): "stage \(name) \(status) after \(duration.humanReadable)"
        case .timedOut: "stage \(name) timed out after \(duration.humanReadable) (timeout)"
        case .cancelled: "stage \(name) stopped after \(duration.humanReadable)"
        case .notStarted(let reason): "stage \(name) did not start: \(reason)"
        }
    }
}

/// Runs `[[stage]]` commands: each in its own process group, with the change set in its
/// environment, stopped (group and all) on timeout or when the cycle is cancelled.
public struct StageRunner: Sendable {
    public let console: Console
    public let emit: @Sendable (LoopEvent) -> Void
    public let guardian: Guardian?
    public let environment: [String: String]
    /// Variables a stage must not see (the reconnect password's).
    public let hidden: [String]
    /// How a stage is stopped: the server's stop rules, with SIGTERM (a build has no console to finish).
    public let stopTimeout: Duration

    /// For a diagnostic's resource: the folder its file lies in.
    public let resourcesDir: String?
    /// What a resource folder is there.
    public let platform: any ServerPlatform

    public init(
        console: Console, emit: @escaping @Sendable (LoopEvent) -> Void, guardian: Guardian?, environment: [String: String], hidden: [String],
        stopTimeout: Duration, resourcesDir: String? = nil, platform: any ServerPlatform = AltVPlatform()
    ) {
        self.resourcesDir = resourcesDir
        self.platform = platform
        self.console = console
        self.emit = emit
        self.guardian = guardian
        self.environment = environment
        self.hidden = hidden
        self.stopTimeout = stopTimeout
    }

    /// `ALTV_DEV_CHANGED` and `ALTV_DEV_RESOURCES` for a plan.
    public static func variables(changed: [String], resources: [String]) -> [String: String] {
        ["ALTV_DEV_CHANGED": changed.joined(separator: "\n"), "ALTV_DEV_RESOURCES": resources.joined(separator: " ")]
    }

    /// Runs the stages of one batch at the same time; results in the batch's order, each also told
    /// to `finished` as it ends (a fast esbuild's end is not the slow tsc's).
    public func run(batch: [StageSettings], variables: [String: String], finished: @escaping @Sendable (StageResult) -> Void = { _ in }) async
        -> [StageResult]
    {
        await withTaskGroup(of: (Int, StageResult).self) { group in
            for (index, stage) in batch.enumerated() {
                group.addTask { (index, await self.run(stage, variables: variables)) }
            }
            var results: [(Int, StageResult)] = []
            for await result in group {
                finished(result.1)
                results.append(result)
            }
            return results.sorted { $0.0 < $1.0 }.map(\.1)
        }
    }

    public func run(_ stage: StageSettings, variables: [String: String]) async -> StageResult {
        let started = ContinuousClock.now
        let diagnostics = Mutex(ToolDiagnostics(source: stage.name))
        let companion: CompanionProcess
        do {
            companion = try CompanionProcess(
                name: stage.name, command: stage.command, cwd: stage.cwd,
                environment: ProjectBin.adding(
                    to: CompanionProcess.environment(base: environment, hiding: hidden, adding: stage.environment.merging(variables) { a, _ in a }),
                    cwd: stage.cwd),
                console: console, emit: emit, guardian: guardian, output: stage.output,
                lineObserver: { line in diagnostics.withLock { $0.read(line) } })
        } catch {
            return StageResult(name: stage.name, duration: .zero, outcome: .notStarted("\(error)"), gate: stage.gate)
        }
        emit(.notice(.process(.stageSpawned(name: stage.name, pid: companion.process.pid, command: "\(stage.command)"))))
        let status = await companion.process.exit.wait(until: started + stage.timeout)
        var outcome: StageResult.Outcome
        switch status {
        case .exited(0)?: outcome = .succeeded
        case let status?: outcome = .failed(status)
        case nil: outcome = Task.isCancelled ? .cancelled : .timedOut
        }
        // Also after a clean exit: whatever the stage left running in its group goes with it.
        await companion.stop(signal: StopSignal(name: "SIGTERM")!, timeout: stopTimeout)
        let duration = ContinuousClock.now - started
        // Its last lines are on the terminal before the verdict; a lingering grandchild may hold the pipe, so briefly.
        _ = await Uncancelled.run { await companion.output.closed.wait(timeout: Timings.outputDrain) }
        var result = StageResult(
            name: stage.name, duration: duration, outcome: outcome, lastLines: outcome == .succeeded ? [] : companion.output.lastLines, gate: stage.gate)
        let found = diagnostics.withLock { parser in
            parser.finish()
            return parser.found
        }
        let map = resourcesDir.map { ResourceMap(resourcesDir: $0, platform: platform) }
        let names = found.isEmpty ? [] : Set(map?.resourceNames() ?? [])
        result.diagnostics = found.map { placed($0, cwd: stage.cwd, map: map, names: names) }
        return result
    }

    /// The file made absolute from the stage's folder, and the resource it lies in.
    /// A file in no resource's folder belongs to the resource a folder on its path is named after (`src/core/…`).
    private func placed(_ diagnostic: Diagnostic, cwd: String, map: ResourceMap?, names: Set<String>) -> Diagnostic {
        var diagnostic = diagnostic
        guard let file = diagnostic.file else { return diagnostic }
        let absolute = FilePath.standardized(file.hasPrefix("/") ? file : FilePath.join(cwd, file))
        diagnostic.file = absolute
        let folders = absolute.split(separator: "/").dropLast().map(String.init)
        diagnostic.resource = map?.resource(containing: absolute) ?? folders.last(where: names.contains)
        return diagnostic
    }
}

/// Runs a plan's stage batches for real: their outputs are opened for the watcher before they
/// start and closed once the watcher has delivered everything they wrote.
public struct StageBatchRunner: StageExecuting {
    public let console: Console
    public let emit: @Sendable (LoopEvent) -> Void
    public let guardian: Guardian?
    public let environment: [String: String]
    public let outputs: StageOutputs
    /// Returns once the watcher has delivered every event made so far.
    public let watcherCaughtUp: @Sendable () async -> Void
    private let checks = ChecksInFlight()

    public init(
        console: Console, emit: @escaping @Sendable (LoopEvent) -> Void, guardian: Guardian?, environment: [String: String],
        outputs: StageOutputs, watcherCaughtUp: @escaping @Sendable () async -> Void
    ) {
        self.console = console
        self.emit = emit
        self.guardian = guardian
        self.environment = environment
        self.outputs = outputs
        self.watcherCaughtUp = watcherCaughtUp
    }

    public func run(
        batch: [StageSettings], variables: [String: String], plan: Plan.Settings, finished: @escaping @Sendable (StageResult) -> Void
    ) async -> StageBatchResult {
        let token = outputs.begin(batch, plan: plan)
        let names = batch.map(\.name)
        emit(.notice(.process(.stagesRunning(names))))
        let runner = StageRunner(
            console: console, emit: emit, guardian: guardian, environment: environment, hidden: plan.reconnect.secretVariables,
            stopTimeout: plan.server.stopTimeout, resourcesDir: plan.server.resourcesDir, platform: plan.server.platform.platform)
        let results = await runner.run(batch: batch, variables: variables, finished: finished)
        await Uncancelled.run { await watcherCaughtUp() }
        return StageBatchResult(results: results, resourcesWritten: outputs.end(token))
    }

    public func startChecks(_ stages: [StageSettings], variables: [String: String], plan: Plan.Settings, cycle: Int) async {
        let runner = StageRunner(
            console: console, emit: emit, guardian: guardian, environment: environment, hidden: plan.reconnect.secretVariables,
            stopTimeout: plan.server.stopTimeout, resourcesDir: plan.server.resourcesDir, platform: plan.server.platform.platform)
        let (outputs, emit, watcherCaughtUp) = (outputs, emit, watcherCaughtUp)
        for stage in stages {
            await checks.start(stage.name) {
                let token = outputs.begin([stage], plan: plan)
                emit(.stageStarted(cycle: cycle, stage: stage.name, gate: false))
                let result = await runner.run(stage, variables: variables)
                await Uncancelled.run { await watcherCaughtUp() }
                _ = outputs.end(token)
                LoopEvent.stageEnded(cycle: cycle, result).forEach(emit)
            }
        }
    }

    public func stopChecks() async { await checks.stopAll() }

    /// Waits for the checks still running to end by themselves (`ci` wants their verdicts).
    public func waitForChecks() async { await checks.waitAll() }
}

/// The checks running beside the cycles: one run of each stage at a time, the newest.
actor ChecksInFlight {
    private var running: [String: Task<Void, Never>] = [:]

    func start(_ name: String, _ body: @escaping @Sendable () async -> Void) {
        let previous = running[name]
        previous?.cancel()
        running[name] = Task {
            // The earlier run's process group is gone before the next one starts.
            await previous?.value
            guard !Task.isCancelled else { return }
            await body()
        }
    }

    func waitAll() async {
        for task in running.values { await task.value }
    }

    func stopAll() async {
        let tasks = Array(running.values)
        running = [:]
        for task in tasks { task.cancel() }
        for task in tasks { await task.value }
    }
}
