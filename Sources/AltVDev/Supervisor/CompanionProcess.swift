import FoundationEssentials
import Glibc
import Synchronization

/// The server's, a stage's or a service's process: in its own process group (so stopping it takes
/// its children too), protected by the guardian, its output prefixed with its name.
public final class CompanionProcess: Sendable {
    public let name: String
    public let process: ChildProcess
    public let output: ServerOutput
    private let emit: @Sendable (LoopEvent) -> Void
    private let guardian: Guardian?
    /// In its environment, and inherited by what it starts: finds those of them that left its group.
    public let tag: ProcessTag
    private static let serials = Atomic<Int>(0)

    public init(
        name: String, command: CommandSpec, cwd: String, environment: [String: String],
        console: Console, emit: @escaping @Sendable (LoopEvent) -> Void, guardian: Guardian?, ready: ReadyMatcher? = nil, platform: (any ServerPlatform)? = nil, output transport: OutputTransport = .pipe,
        errors: ReadyMatcher? = nil, lineObserver: (@Sendable (String) -> Void)? = nil,
        onDiagnostic: (@Sendable (Diagnostic) -> Void)? = nil, sourceMaps: SourceMapLookup? = nil,
        diagnostics: ServerDiagnostics = ServerDiagnostics()
    ) throws {
        tag = ProcessTag(owner: getpid(), serial: Self.serials.add(1, ordering: .relaxed).newValue)
        var options = ChildProcess.Options(argv: command.argv, cwd: cwd, environment: environment.merging([ProcessTag.variable: tag.value]) { _, tag in tag })
        options.newSession = true
        options.output = transport
        // Only the server (the one with a platform) reads a console; a stage waiting on stdin would hang a build.
        options.keepStdinOpen = platform != nil
        process = try ChildProcess(options)
        self.name = name
        self.emit = emit
        self.guardian = guardian
        guardian?.protect(process.processGroup)
        output = ServerOutput(console: console, name: name, matcher: ready, platform: platform, errorMatcher: errors, lineObserver: lineObserver,
            onDiagnostic: onDiagnostic, sourceMaps: sourceMaps, diagnostics: diagnostics)
        OutputPump.start(descriptor: process.outputDescriptor, name: name, handler: output)
    }

    /// Signal, timeout, SIGKILL to the whole group; also after the leader exited, for what it left behind.
    @discardableResult
    public func stop(signal: StopSignal, timeout: Duration) async -> Teardown.Report {
        let group = process.processGroup
        let tag = tag
        let report = await Teardown.graceful(signal: signal.number, timeout: timeout).run(on: group, leaderExit: process.exit) {
            ProcessTree.current().strays(ofGroup: group, tag: tag, adoptedBy: getpid()) { ProcFile.read("/proc/\($0)/environ") }
        }
        if report.escalated {
            emit(.notice(.process(.killedAfterTimeout(name: name, timeout: timeout, signal: "\(signal)"))))
        }
        if !report.strays.isEmpty { emit(.notice(.process(.strays(name: name, pids: report.strays)))) }
        if report.survivors {
            emit(.notice(.process(.survivedKill(name: name, group: group))))
        } else {
            guardian?.release(group)
        }
        return report
    }

    /// The environment a child (server, stage or service) gets: ours, minus hidden variables (the
    /// reconnect password's), plus its own `env`.
    static func environment(base: [String: String], hiding hidden: [String], adding extra: [String: String]) -> [String: String] {
        var environment = base
        for name in hidden { environment.removeValue(forKey: name) }
        environment.merge(extra) { _, new in new }
        return environment
    }
}
