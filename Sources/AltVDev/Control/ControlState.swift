import Glibc
import Synchronization

/// What the control socket knows of the running watch, kept from the loop's events as the
/// status line is: `status` reads it, `wait` and a command's answer are woken by it.
public final class ControlState: Sendable {
    /// What a waiter waits for.
    enum Awaited: Sendable {
        case condition(ControlRequest.WaitCondition)
        /// A cycle numbered above this (nil: any) started.
        case cycleAfter(Int?)
    }

    private struct Waiter {
        var id: Int
        var awaited: Awaited
        var continuation: CheckedContinuation<Int?, Never>
    }

    private struct State {
        var model = StatusModel()
        var serverPid: Int32?
        var ready = false
        var quitting = false
        var lastCycle: Int?
        var nextID = 0
        var waiters: [Waiter] = []
        /// Waiters given up on (timed out) before they were queued.
        var abandoned: Set<Int> = []
    }

    private let state = Mutex(State())

    public init() {}

    public func apply(_ event: LoopEvent, at now: ContinuousClock.Instant = .now) {
        let woken: [(CheckedContinuation<Int?, Never>, Int?)] = state.withLock { state in
            state.model.apply(event, at: now)
            switch event {
            case .cycleStarted(let number, _, _): state.lastCycle = number
            case .serverStarted(_, let pid): (state.serverPid, state.ready) = (pid, false)
            case .serverReady(_, let pid, _): (state.serverPid, state.ready) = (pid, true)
            case .serverStopped, .serverExited: (state.serverPid, state.ready) = (nil, false)
            case .stopping: state.quitting = true
            default: break
            }
            var woken: [(CheckedContinuation<Int?, Never>, Int?)] = []
            var waiting: [Waiter] = []
            for waiter in state.waiters {
                if let answer = Self.answer(waiter.awaited, state) { woken.append((waiter.continuation, answer)) } else { waiting.append(waiter) }
            }
            state.waiters = waiting
            return woken
        }
        for (continuation, value) in woken { continuation.resume(returning: value) }
    }

    /// `.some` when the waiter is answered now (with the cycle's number for `cycleAfter`).
    private static func answer(_ awaited: Awaited, _ state: State) -> Int?? {
        switch awaited {
        case .condition(let condition):
            return holds(condition, state) || state.quitting ? .some(nil) : .none
        case .cycleAfter(let before):
            if let last = state.lastCycle, last > (before ?? 0) { return .some(last) }
            return state.quitting ? .some(nil) : .none
        }
    }

    private static func holds(_ condition: ControlRequest.WaitCondition, _ state: State) -> Bool {
        switch condition {
        case .idle: !state.model.isBusy
        case .ready: !state.model.isBusy && state.ready
        }
    }

    /// `status`'s answer.
    public func status(at now: ContinuousClock.Instant = .now) -> JSONValue {
        state.withLock { state in
            let optionalInt = { (value: Int?) in value.map { JSONValue.int(Int64($0)) } ?? .null }
            return .object([
                ("ok", .bool(true)), ("phase", .string(state.quitting ? "quitting" : Self.phaseName(state.model))),
                ("cycle", optionalInt(state.model.cycle)), ("last_cycle", optionalInt(state.lastCycle)),
                ("server_pid", state.serverPid.map { .int(Int64($0)) } ?? .null), ("ready", .bool(state.ready)),
                ("last", state.model.lastResult.map(JSONValue.string) ?? .null), ("line", .string(state.model.text(at: now, width: 1000))),
                ("watch_pid", .int(Int64(getpid()))),
            ])
        }
    }

    /// `idle` when no cycle runs; else the phase's name, stable for scripts.
    static func phaseName(_ model: StatusModel) -> String {
        guard model.isBusy else { return "idle" }
        return switch model.phase {
        case nil: "starting-cycle"
        case .building: "building"
        case .waitingForServices: "waiting-for-services"
        case .restartingResources: "restarting-resources"
        case .stoppingResources: "stopping-resources"
        case .stopping: "stopping"
        case .starting: "starting"
        case .waitingForReady: "waiting-for-ready"
        case .reconnecting: "reconnecting"
        }
    }

    /// Returns when `condition` holds, at once when it does now; false when the watch began
    /// quitting first (it will not hold any more).
    public func wait(for condition: ControlRequest.WaitCondition) async -> Bool {
        _ = await enqueue(.condition(condition), id: newID())
        return state.withLock { !$0.quitting && Self.holds(condition, $0) }
    }

    /// The last cycle started so far: taken before a command is sent, so `nextCycle(after:)` misses nothing.
    public var lastCycle: Int? { state.withLock { $0.lastCycle } }

    /// The number of the first cycle started after `before`, waited for at most `timeout`.
    public func nextCycle(after before: Int?, within timeout: Duration) async -> Int? {
        let id = newID()
        return await withTaskGroup(of: Int?.self) { group in
            group.addTask { await self.enqueue(.cycleAfter(before), id: id) }
            group.addTask {
                // Cancelled once the cycle started: then there is nothing to give up on.
                guard await CancellableSleep.for(timeout) else { return nil }
                self.abandon(id)
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
    }

    private func newID() -> Int {
        state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
    }

    private func enqueue(_ awaited: Awaited, id: Int) async -> Int? {
        await withCheckedContinuation { continuation in
            let now: Int?? = state.withLock { state in
                if state.abandoned.remove(id) != nil { return .some(nil) }
                if let answer = Self.answer(awaited, state) { return answer }
                state.waiters.append(Waiter(id: id, awaited: awaited, continuation: continuation))
                return .none
            }
            if let now { continuation.resume(returning: now) }
        }
    }

    /// Wakes waiter `id` with nil if it still waits; one not queued yet is answered nil when it is.
    private func abandon(_ id: Int) {
        let continuation = state.withLock { state in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                state.abandoned.insert(id)
                return CheckedContinuation<Int?, Never>?.none
            }
            return state.waiters.remove(at: index).continuation
        }
        continuation?.resume(returning: nil)
    }
}
