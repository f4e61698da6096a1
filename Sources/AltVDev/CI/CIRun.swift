import FoundationEssentials
import Synchronization

/// `altv-dev ci`: the loop once, as CI wants it. Every stage (checks too, awaited), the services, the
/// server up to its ready line, then watched for `watchFor`; everything stopped; one summary, JUnit
/// XML and the events. No watcher, no reconnect, no console. Exit 0 only when all of it worked.
public struct CIRun: Sendable {
    public struct Options: Sendable {
        public var executable: String
        public var environment: [String: String]
        /// How long the running server is watched after its ready line (`--for`).
        public var watchFor: Duration
        /// Server lines that count as errors (`--fail-on`, a regex).
        public var failOn: String
        /// Where the JUnit XML goes (`--junit`).
        public var junit: String?

        public init(executable: String, environment: [String: String], watchFor: Duration, failOn: String, junit: String?) {
            self.executable = executable
            self.environment = environment
            self.watchFor = watchFor
            self.failOn = failOn
            self.junit = junit
        }
    }

    let config: Config
    let console: Console
    let options: Options
    let eventLog: EventLog?

    public init(config: Config, console: Console, options: Options, eventLog: EventLog? = nil) {
        var config = config
        config.reconnect.enabled = false
        config.server.errorPattern = options.failOn
        self.config = config
        self.console = console
        self.options = options
        self.eventLog = eventLog
    }

    public func run() async -> Int32 {
        console.setSecrets(config.secrets)
        let narrator = Narrator(console: console, directory: config.directory)
        let seen = Mutex<(stages: [StageResult], report: CycleReport?)>(([], nil))
        let eventLog = self.eventLog
        let tell: @Sendable (LoopEvent) -> Void = { event in
            narrator.tell(event)
            eventLog?.record(event)
            switch event {
            case .stageFinished(_, let result): seen.withLock { $0.stages.append(result) }
            case .cycleFinished(_, _, let report): seen.withLock { $0.report = report }
            default: break
            }
        }
        let guardian = try? Guardian(executable: options.executable, hiding: config.reconnect.secretVariables)
        let supervisor = ServerSupervisor(console: console, guardian: guardian, environment: options.environment, directory: config.directory, emit: tell) { report in
            if case .diagnostic(let diagnostic) = report { tell(.diagnostic(cycle: 1, diagnostic)) }
        }
        let stages = StageBatchRunner(
            console: console, emit: tell, guardian: guardian, environment: options.environment, outputs: StageOutputs(), watcherCaughtUp: {})
        let services = ServiceManager(console: console, guardian: guardian, environment: options.environment, emit: tell)
        await services.apply(config.services, server: config.server, hiding: config.reconnect.secretVariables)

        let executor = PlanExecutor(server: supervisor, stages: stages, services: services, client: NoClient(), emit: tell)
        let plan = Planner.plan(for: .initialStart, config: config, server: .notRunning)
        tell(.cycleStarted(cycle: 1, trigger: .initialStart, plan: PlanSummary(plan)))
        _ = await executor.run(plan, cycle: 1, trigger: "ci")
        let run = await supervisor.current
        if let run, run.readyAt != nil, options.watchFor > .zero { _ = await run.waitForExit(until: .now + options.watchFor) }
        await stages.waitForChecks()

        var result = CIResult()
        (result.stages, result.watchedFor) = (seen.withLock { $0.stages }, options.watchFor)
        if case .failed(let reason)? = seen.withLock({ $0.report?.result }), run?.readyAt == nil { result.startFailure = "\(reason)" }
        if let run, let readyAt = run.readyAt {
            result.readyAfter = readyAt - run.startedAt
            result.exited = run.exitStatus
            let resources = run.output.loadedResources
            result.loaded = resources.loaded
            result.failed = resources.errors.keys.sorted().map(resources.failure(of:))
            result.errorLines = run.output.errorLines
        }
        _ = await supervisor.stop()
        await services.stopAll()
        await guardian?.dismiss()
        for line in result.summary { console.say(line, line.hasPrefix("✗") ? .error : line.hasPrefix("✓") ? .success : .info) }
        if let junit = options.junit, !Self.write(result.junit, to: junit) { console.say("--junit \(junit): could not be written", .error) }
        eventLog?.flush(within: Timings.eventLogFlush)
        return result.passed ? 0 : 1
    }

    static func write(_ text: String, to path: String) -> Bool {
        (try? Data(text.utf8).write(to: URL(fileURLWithPath: path))) != nil
    }
}

/// `ci` reconnects no client.
struct NoClient: ClientReconnecting {
    func reconnect(_ settings: ReconnectSettings) async -> ReconnectResult { .cancelled }
    func reconnectInBackground(_ settings: ReconnectSettings, cycle: Int, server: any ServerInstance) async -> BackgroundReconnect { BackgroundReconnect() }
    func cancelBackground() async {}
}
