import FoundationEssentials
import Glibc
import Synchronization

/// One start of the server: its process (a companion that reads a console) and whether it became ready.
public final class ServerRun: ServerInstance {
    public let companion: CompanionProcess
    /// The settings it was started with: its stop follows them, even after a config change.
    public let settings: ServerSettings

    init(companion: CompanionProcess, settings: ServerSettings) {
        self.companion = companion
        self.settings = settings
    }

    public var process: ChildProcess { companion.process }
    public var output: ServerOutput { companion.output }
    public var pid: Int32 { process.pid }
    public var startedAt: ContinuousClock.Instant { process.startedAt }
    public var exitStatus: ExitStatus? { process.exit.current }
    public var exitedAt: ContinuousClock.Instant? { process.exitedAt }
    public var readyAt: ContinuousClock.Instant? { output.ready.current }
    public var failedResourcesAtStart: [FailedResource] {
        let resources = output.loadedResources
        return output.resourcesFailedAtStart.map(resources.failure(of:))
    }

    public func waitForReadyLine() async -> Bool {
        await output.ready.wait() != nil
    }

    public func waitForExit(until deadline: ContinuousClock.Instant?) async -> ExitStatus? {
        guard let deadline else { return await process.exit.wait() }
        return await process.exit.wait(until: deadline)
    }

    public enum ReadyOutcome: Equatable, Sendable {
        case ready(after: Duration)
        /// The process ended; `readyAfter` when its ready line had been printed before that.
        case exited(ExitStatus, readyAfter: Duration?)
        case timedOut
        case cancelled
    }

    /// Waits for the ready line, the process's exit or the timeout, whichever comes first.
    /// An exit is judged once the output has drained, so a ready line printed just before it counts.
    public func waitUntilReady(timeout: Duration) async -> ReadyOutcome {
        let started = process.startedAt
        return await withTaskGroup(of: ReadyOutcome?.self) { group in
            group.addTask { await self.output.ready.wait().map { .ready(after: $0 - started) } }
            group.addTask {
                guard let status = await self.process.exit.wait() else { return nil }
                _ = await self.output.closed.wait(timeout: Timings.outputDrain)
                return .exited(status, readyAfter: self.output.ready.current.map { $0 - started })
            }
            group.addTask {
                await CancellableSleep.until(started + timeout) ? .timedOut : nil
            }
            for await outcome in group {
                if let outcome {
                    group.cancelAll()
                    return outcome
                }
            }
            return .cancelled
        }
    }
}

/// Starts and stops `altv-server`, one at a time, each start by the settings of the plan that starts it.
/// It holds the handles of the current server; what is known about it goes out as `ServerReport`s
/// to the scheduler, which keeps the `ServerState`.
public actor ServerSupervisor: ServerControl {
    private let console: Console
    private let guardian: Guardian?
    private let baseEnvironment: [String: String]
    private let reports: @Sendable (ServerReport) -> Void
    private let emit: @Sendable (LoopEvent) -> Void
    /// The config's folder: source places in the server's output are shown relative to it.
    private let directory: String?
    public private(set) var current: ServerRun?
    /// The last server's stop (begun early or by `stop()`), until the next start: a `stop()` waits for it.
    private var teardown: Task<ServerStop?, Never>?
    /// A `stop()` has reported that stop: another waits for it and reports nothing.
    private var stopClaimed = false
    /// When the server last read its resource folders (its start, or the last rescan line typed).
    private var scannedAt = timespec()

    public init(
        console: Console, guardian: Guardian?, environment: [String: String] = ProcessInfo.processInfo.environment,
        directory: String? = nil, emit: @escaping @Sendable (LoopEvent) -> Void, reports: @escaping @Sendable (ServerReport) -> Void
    ) {
        self.emit = emit
        self.directory = directory
        self.console = console
        self.guardian = guardian
        self.baseEnvironment = environment
        self.reports = reports
    }

    /// Starts the server; any previous one must have been stopped.
    public func start(settings: ServerSettings, hiding hidden: [String]) throws -> any ServerInstance {
        let platform = settings.platform.platform
        try platform.prepareStart(resourcesDir: settings.resourcesDir)
        let companion = try CompanionProcess(
            name: "server", command: platform.launchCommand(for: settings.command), cwd: settings.cwd,
            environment: CompanionProcess.environment(base: baseEnvironment, hiding: hidden, adding: settings.environment),
            console: console, emit: emit, guardian: guardian, ready: try ReadyMatcher(pattern: settings.ready), platform: settings.platform.platform,
            output: settings.output, errors: try settings.errorPattern.map { try ReadyMatcher(pattern: $0) },
            onDiagnostic: { [reports] in reports(.diagnostic($0)) },
            sourceMaps: SourceMapLookup(directory: directory) { [emit] file, reason in emit(.notice(.process(.sourceMapIgnored(file: file, reason: reason)))) },
            diagnostics: platform.diagnosticsReader(resourcesDir: settings.resourcesDir))
        let run = ServerRun(companion: companion, settings: settings)
        current = run
        (teardown, stopClaimed, scannedAt) = (nil, false, Self.now())
        reports(.started(pid: run.pid))
        Task { [reports] in await Self.follow(run, reports: reports) }
        emit(.notice(.process(.serverSpawned(pid: run.pid, command: "\(settings.command)"))))
        return run
    }

    /// Reports the run's ready line and its exit, whichever happen.
    private static func follow(_ run: ServerRun, reports: @escaping @Sendable (ServerReport) -> Void) async {
        await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                if await run.output.ready.wait() != nil { reports(.ready(pid: run.pid)) }
                return false
            }
            group.addTask {
                guard let status = await run.process.exit.wait() else { return true }
                let uptime = ContinuousClock.now - run.process.startedAt
                // Let the last lines drain before they are quoted; a grandchild may hold the pipe open, so not for long.
                _ = await run.output.closed.wait(timeout: Timings.outputDrain)
                reports(.exited(pid: run.pid, status: status, uptime: uptime, lastLines: run.output.lastLines))
                return true
            }
            for await exited in group where exited { group.cancelAll() }
        }
    }

    /// Stops the current server's whole process group: signal, timeout, SIGKILL. Nil if none ran.
    /// A stop already under way (begun early) is waited for and reported here.
    public func stop() async -> ServerStop? {
        if teardown == nil, let run = current { teardown = Task { await self.tearDown(run) } }
        guard let teardown else { return nil }
        let reports = !stopClaimed
        stopClaimed = true
        let stop = await teardown.value
        return reports ? stop : nil
    }

    /// Begins stopping the server `pid` without waiting; the next `stop()` waits for it. A request
    /// that comes after that server is gone (another may run by then) does nothing.
    public func beginStop(pid: Int32) {
        guard teardown == nil, let run = current, run.pid == pid else { return }
        teardown = Task { await self.tearDown(run) }
        stopClaimed = false
    }

    private func tearDown(_ run: ServerRun) async -> ServerStop? {
        reports(.stopping(pid: run.pid))
        // A server that can quit by itself is asked first (FXServer's `quit`), then signalled as usual.
        if let line = run.settings.platform.platform.quitLine, run.process.exit.current == nil, run.process.send(line: line) {
            emit(.notice(.process(.consoleCommandTyped(line))))
            _ = await run.process.exit.wait(until: .now + min(run.settings.stopTimeout, Timings.quitGrace))
        }
        emit(.notice(.process(.serverSignalled(signal: "\(run.settings.stopSignal)", group: run.process.processGroup))))
        let report = await run.companion.stop(signal: run.settings.stopSignal, timeout: run.settings.stopTimeout)
        // Its last lines (`Server shutdown`) reach the terminal before anything else is said or altv-dev exits;
        // a grandchild may hold the output open, so not for long.
        _ = await run.output.closed.wait(timeout: Timings.outputDrain)
        run.process.closeInput()
        current = nil
        reports(.stopped(pid: run.pid))
        return ServerStop(pid: run.pid, duration: report.duration, killed: report.escalated)
    }

    /// Waits (up to `timeout`) for a port the last server held to be free again.
    public func waitForPort(_ port: Int, timeout: Duration) async -> PortWait {
        guard PortInspector.isTaken(port: port) else { return .free }
        emit(.notice(.process(.portStillTaken(port: port, waitingUpTo: timeout))))
        if await PortInspector.waitUntilFree(port: port, timeout: timeout) { return .free }
        return .held(by: PortInspector.holder(of: port).map { "\($0)" })
    }

    /// For each root, types `restart <name>` when the server's own lines say it is loaded and
    /// `start <name>` when not, then waits up to `timeout` for it and every dependent the server
    /// stopped with it to be loaded again (or to fail). One root at a time: quick repeated restarts
    /// are what alt:V's tracker links to half-downloaded clients (#2388).
    public func restartResources(_ roots: [String], graph: ResourceGraph, timeout: Duration) async -> ResourceRestartOutcome {
        guard let run = current, run.process.exit.current == nil else { return .failed(.serverNotRunning) }
        if let untypable = roots.first(where: { !ResourceName.canBeTyped($0) }) {
            return .failed(.untypable(untypable))
        }
        var restarted: [String] = []
        var failed: [FailedResource] = []
        rescanIfNeeded(roots, in: run)
        for root in roots {
            let state = run.output.loadedResources
            let wasLoaded = state.isLoaded(root)
            // A root that was not loaded comes back alone: start again the dependents the server meant to run with it.
            var queue = [root] + (wasLoaded ? [] : graph.dependents(of: root).filter { state.attempted.contains($0) && !state.isLoaded($0) && !roots.contains($0) })
            var next = 0
            while next < queue.count {
                let name = queue[next]
                next += 1
                guard !restarted.contains(name) else { continue }
                switch await bringBack(name, loaded: name == root ? wasLoaded : false, in: run, timeout: timeout) {
                case .answered(let watch):
                    restarted += watch.loaded.filter { !restarted.contains($0) }
                    let resources = run.output.loadedResources
                    failed += watch.failed.map(resources.failure(of:))
                    // A server that leaves the dependents it stopped stopped (FXServer): each is started again here.
                    if watch.awaitsDependents {
                        failed += watch.missing.map { FailedResource(name: $0, lines: [], kind: .notReloaded) }
                    } else {
                        queue += watch.missing.filter { !queue.contains($0) }
                    }
                case .failed(let reason): return .failed(reason)
                case .cancelled: return .cancelled
                }
                if failed.contains(where: { $0.name == root }) { break }
            }
        }
        return failed.isEmpty ? .restarted(restarted) : .loadFailed(restarted: restarted, failed: failed)
    }

    /// `stop <name>` for each that the server has loaded (a resource whose folder is gone); what it
    /// stopped, dependents included (they stay stopped, as the server leaves them).
    public func stopResources(_ names: [String], timeout: Duration) async -> ResourceStopOutcome {
        guard let run = current, run.process.exit.current == nil else { return .failed(.serverNotRunning) }
        if let untypable = names.first(where: { !ResourceName.canBeTyped($0) }) { return .failed(.untypable(untypable)) }
        var stopped: [String] = []
        for name in names where !stopped.contains(name) && run.output.loadedResources.isLoaded(name) {
            switch await type(ResourceCommandWatch(.stop, name, on: run.settings.platform.platform), in: run, timeout: timeout) {
            case .verdict(.stopped(let names), _): stopped += names.filter { !stopped.contains($0) }
            case .verdict(.usage(let text), let watch): return .failed(.usage(text, command: watch.command))
            case .verdict: continue
            case .consoleClosed: return .failed(.consoleClosed)
            case .cancelled: return .cancelled
            case .exited(let status, let watch): return .failed(.exitedDuring(status, command: watch.command))
            case .timedOut(let watch): return .failed(.noStoppedLine(name, within: timeout, command: watch.command))
            }
        }
        return .stopped(stopped)
    }

    private enum CommandResult {
        /// The server answered; what it loaded, failed, or did not bring back.
        case answered(ResourceCommandWatch)
        case failed(ResourceRestartFailure)
        case cancelled
    }

    /// `restart` or `start`, switching once to the other verb when the server says it was wrong about the state.
    private func bringBack(_ name: String, loaded: Bool, in run: ServerRun, timeout: Duration) async -> CommandResult {
        var verb: ResourceCommandWatch.Verb = loaded ? .restart : .start
        for attempt in 0..<2 {
            switch await type(ResourceCommandWatch(verb, name, on: run.settings.platform.platform), in: run, timeout: timeout) {
            case .verdict(.done, let watch), .verdict(.stopped, let watch): return .answered(watch)
            case .verdict(.notLoaded, _) where attempt == 0: verb = .start
            case .verdict(.alreadyLoaded, _) where attempt == 0: verb = .restart
            case .verdict(.usage(let text), let watch): return .failed(.usage(text, command: watch.command))
            case .verdict(.notLoaded, _), .verdict(.alreadyLoaded, _): return .failed(.refusedBoth(name))
            case .consoleClosed: return .failed(.consoleClosed)
            case .cancelled: return .cancelled
            case .exited(let status, let watch): return .failed(.exitedDuring(status, command: watch.command))
            case .timedOut(let watch):
                // The resource came back, a dependent did not: that dependent is the failure, not the console.
                if watch.loaded.contains(name) { return .answered(watch) }
                return .failed(.noLoadedLine(name, within: timeout, command: watch.command))
            }
        }
        return .failed(.refused(name))
    }

    private enum ConsoleAnswer {
        case verdict(ResourceCommandWatch.Verdict, ResourceCommandWatch)
        /// No verdict in time; the watch says how far it got.
        case timedOut(ResourceCommandWatch)
        case exited(ExitStatus, ResourceCommandWatch)
        case consoleClosed
        case cancelled
    }

    /// Types the command and feeds the server's lines to the watch until it has a verdict, the
    /// server exits, or `timeout` passes.
    private func type(_ command: ResourceCommandWatch, in run: ServerRun, timeout: Duration) async -> ConsoleAnswer {
        let progress = Mutex(command)
        let answer = Latch<ResourceCommandWatch.Verdict>()
        let token = run.output.listenForResourceLines { line in
            if let verdict = progress.withLock({ $0.observe(line) }) { answer.fulfill(verdict) }
        }
        defer { run.output.stopListening(token) }
        guard run.process.send(line: command.command) else { return .consoleClosed }
        emit(.notice(.process(.consoleCommandTyped(command.command))))
        let deadline = ContinuousClock.now + timeout
        let verdict = await withTaskGroup(of: ResourceCommandWatch.Verdict?.self) { race -> ResourceCommandWatch.Verdict? in
            race.addTask { await answer.wait(until: deadline) }
            race.addTask { _ = await run.process.exit.wait(); return nil }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first
        }
        let watch = progress.withLock { $0 }
        if let verdict { return .verdict(verdict, watch) }
        if Task.isCancelled { return .cancelled }
        if let status = run.process.exit.current { return .exited(status, watch) }
        return .timedOut(watch)
    }

    /// Types the platform's rescan line (FXServer's `refresh`) when a root's manifest changed, or its
    /// folder is new, since the server last read them: a plain `ensure` keeps the old manifest.
    private func rescanIfNeeded(_ roots: [String], in run: ServerRun) {
        let platform = run.settings.platform.platform
        guard let line = platform.rescanLine else { return }
        let folders = ResourceFolders.find(in: run.settings.resourcesDir, platform: platform)
        let changed = roots.contains { root in
            guard let folder = folders.first(where: { platform.resourceName(ofFolder: $0) == root }) else { return true }
            let path = FilePath.join(run.settings.resourcesDir, folder)
            // A new folder's manifest is newer too; the folder's own time moves with every editor's save.
            return platform.manifestNames.contains { Self.modified(FilePath.join(path, $0), after: scannedAt) }
        }
        guard changed, run.process.send(line: line) else { return }
        scannedAt = Self.now()
        emit(.notice(.process(.consoleCommandTyped(line))))
    }

    /// The clock file times are taken from: a file written a moment after a precise `now` can carry an earlier time.
    private static func now() -> timespec {
        var now = timespec()
        clock_gettime(CLOCK_REALTIME_COARSE, &now)
        return now
    }

    /// Whether the file changed after `time`: its status time, which a write, a rename into place and a new file all move.
    private static func modified(_ path: String, after time: timespec) -> Bool {
        var info = stat()
        guard stat(path, &info) == 0 else { return false }
        return info.st_ctim.tv_sec > time.tv_sec || (info.st_ctim.tv_sec == time.tv_sec && info.st_ctim.tv_nsec >= time.tv_nsec)
    }

    /// Types a line into the server's console.
    public func sendToConsole(_ line: String) -> Bool {
        current?.process.send(line: line) ?? false
    }

    /// SIGKILL to the running server's group at once (a second Ctrl+C).
    public func killNow() {
        if let group = current?.process.processGroup { ProcessGroup.signal(group, SIGKILL) }
    }
}
