import Foundation
import Glibc

/// One start of the server: its process, its output and whether it became ready.
public final class ServerRun: Sendable {
    /// How long after its ready line the server exited, once it has (nil while it runs or before it was ready).
    public func exitedAfterReady() -> (status: ExitStatus, after: Duration)? {
        guard let status = process.exit.current, let ready = output.ready.current else { return nil }
        return (status, max(.zero, (process.exitedAt ?? .now) - ready))
    }

    public let id: Int
    public let process: ChildProcess
    public let output: ServerOutput
    /// The settings it was started with: its stop follows them, even after a config change.
    public let settings: ServerSettings

    init(id: Int, process: ChildProcess, output: ServerOutput, settings: ServerSettings) {
        self.id = id
        self.process = process
        self.output = output
        self.settings = settings
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
                _ = await self.output.closed.wait(timeout: .milliseconds(300))
                return .exited(status, readyAfter: self.output.ready.current.map { $0 - started })
            }
            group.addTask {
                do {
                    try await Task.sleep(until: started + timeout, clock: .continuous)
                    return .timedOut
                } catch {
                    return nil
                }
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

/// What the supervisor tells the loop about, unprompted.
public enum SupervisorEvent: Sendable {
    case unexpectedExit(run: Int, status: ExitStatus, uptime: Duration, lastLines: [String])
}

/// Starts and stops `altv-server` by the rules in `[server]`; one server at a time.
public actor ServerSupervisor {
    public private(set) var settings: ServerSettings
    private let console: Console
    private let guardian: Guardian?
    private var matcher: ReadyMatcher
    private let baseEnvironment: [String: String]
    private let events: @Sendable (SupervisorEvent) -> Void
    private var lifecycle = ServerLifecycle()
    private var nextRunID = 1
    public private(set) var current: ServerRun?

    public init(
        settings: ServerSettings, console: Console, guardian: Guardian?,
        environment: [String: String] = ProcessInfo.processInfo.environment,
        events: @escaping @Sendable (SupervisorEvent) -> Void
    ) throws {
        self.settings = settings
        self.console = console
        self.guardian = guardian
        self.matcher = try ReadyMatcher(pattern: settings.ready)
        self.baseEnvironment = environment
        self.events = events
    }

    /// New settings for the next start; the running server keeps the ones it started with.
    public func update(settings: ServerSettings) throws {
        matcher = try ReadyMatcher(pattern: settings.ready)
        self.settings = settings
    }

    /// Starts the server; any previous one must have been stopped.
    public func start(hidingVariables hidden: [String] = []) throws -> ServerRun {
        var options = ChildProcess.Options(
            argv: settings.command.argv, cwd: settings.cwd,
            environment: CompanionProcess.environment(base: baseEnvironment, hiding: hidden, adding: settings.env))
        options.newSession = true
        let process = try ChildProcess(options)
        guardian?.protect(process.processGroup)
        let output = ServerOutput(console: console, name: "server", matcher: matcher)
        let run = ServerRun(id: nextRunID, process: process, output: output, settings: settings)
        nextRunID += 1
        current = run
        lifecycle.started(run: run.id)
        OutputPump.start(descriptor: process.outputDescriptor, name: "server", handler: output)
        Task { [weak self] in
            if await output.ready.wait() != nil { await self?.readyLineSeen(run: run) }
        }
        Task { [weak self] in
            if let status = await process.exit.wait() { await self?.processExited(run: run, status: status) }
        }
        console.say("server started (pid \(process.pid)): \(settings.command)", .debug)
        return run
    }

    private func readyLineSeen(run: ServerRun) {
        lifecycle.readyLineSeen(run: run.id)
    }

    private func processExited(run: ServerRun, status: ExitStatus) async {
        guard case .reportUnexpectedExit(let status) = lifecycle.exited(run: run.id, status: status) else { return }
        let uptime = ContinuousClock.now - run.process.startedAt
        // Let the last lines drain before they are quoted; a grandchild may hold the pipe open, so not for long.
        _ = await run.output.closed.wait(timeout: .milliseconds(300))
        events(.unexpectedExit(run: run.id, status: status, uptime: uptime, lastLines: run.output.lastLines))
    }

    /// Stops the current server's whole process group: signal, timeout, SIGKILL. Nil if none ran.
    public func stop() async -> Teardown.Report? {
        guard let run = current else { return nil }
        guard case .beginTeardown = lifecycle.stopRequested() else { return nil }
        let group = run.process.processGroup
        let settings = run.settings
        console.say("stopping server (\(settings.stopSignal) to process group \(group))", .debug)
        let teardown = Teardown.graceful(signal: settings.stopSignal.number, timeout: settings.stopTimeout)
        let report = await teardown.run(on: group, leaderExit: run.process.exit)
        if report.escalated {
            console.say(
                "server did not stop within \(DurationParser.format(settings.stopTimeout)) of \(settings.stopSignal): killed its process group with SIGKILL",
                .warning)
        }
        if report.survivors {
            console.say("processes in group \(group) survived SIGKILL; check `ps -g \(group)`", .error)
        } else {
            guardian?.release(group)
        }
        run.process.closeInput()
        lifecycle.stopped()
        current = nil
        return report
    }

    /// What became of `restart <name>` typed into the server's console.
    public enum ResourceRestartOutcome: Equatable, Sendable {
        case restarted
        case failed(String)
        case cancelled
    }

    /// Types `restart <name>` for each resource, one at a time, each time waiting for the server's
    /// "Loaded resource <name>" (or "Failed to load resource <name>") for up to `timeout`.
    public func restartResources(_ names: [String], timeout: Duration) async -> ResourceRestartOutcome {
        guard let run = current, run.process.exit.current == nil else { return .failed("the server is not running") }
        if let untypable = names.first(where: { !ResourceName.canBeTyped($0) }) {
            return .failed("resource \"\(untypable)\" has white space in its name, which the server console cannot take")
        }
        for name in names {
            let answer = Latch<ResourceLine>()
            let token = run.output.listenForResourceLines { line in
                if line == .loaded(name) || line == .failed(name) { answer.fulfill(line) }
            }
            defer { run.output.stopListening(token) }
            guard run.process.send(line: "restart \(name)") else { return .failed("the server's console is closed") }
            console.say("typed `restart \(name)` into the server console", .debug)
            let deadline = ContinuousClock.now + timeout
            let outcome = await withTaskGroup(of: ResourceRestartOutcome?.self) { race -> ResourceRestartOutcome in
                race.addTask {
                    switch await answer.wait(until: deadline) {
                    case .loaded?: return .restarted
                    case .failed?: return .failed("the server printed \"Failed to load resource \(name)\"")
                    case nil: return Task.isCancelled ? .cancelled : .failed("no \"Loaded resource \(name)\" within \(timeout.humanReadable)")
                    }
                }
                race.addTask { await run.process.exit.wait().map { .failed("the server \($0) during `restart \(name)`") } }
                let first = await race.next() ?? nil
                race.cancelAll()
                return first ?? .cancelled
            }
            if outcome != .restarted { return outcome }
        }
        return .restarted
    }

    /// Types a line into the server's console.
    public func sendToConsole(_ line: String) -> Bool {
        current?.process.send(line: line) ?? false
    }
}
