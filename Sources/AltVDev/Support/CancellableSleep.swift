import Synchronization

/// Sleeps until a deadline like `Task.sleep(until:)`, but a cancelled sleep lets go at once. On
/// Linux a cancelled `Task.sleep` stays queued in Dispatch, task and all, until its deadline:
/// every restart's timeout race (120 s by default) kept ~0.8 KB for two minutes, seen by
/// heaptrack as 1,194 sleeping tasks after 600 restart-resource cycles.
public enum CancellableSleep {
    /// Counts the sleeps begun and not yet over, for a test that checks a cancelled one is gone.
    final class Tally: Sendable {
        let pending = Atomic<Int>(0)
    }

    @TaskLocal static var tally: Tally?

    /// True when the deadline came; false when the task was cancelled first.
    @discardableResult
    public static func until(_ deadline: ContinuousClock.Instant) async -> Bool {
        guard !Task.isCancelled else { return false }
        guard ContinuousClock.now < deadline else { return true }
        let sleep = Sleep(tally: tally)
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in sleep.start(continuation, until: deadline) }
        } onCancel: {
            sleep.finish(false)
        }
    }

    public static func `for`(_ duration: Duration) async -> Bool { await until(.now + duration) }

    private final class Sleep: Sendable {
        private struct State {
            var continuation: CheckedContinuation<Bool, Never>?
            var timer: Int?
            var finished = false
        }

        private let state = Mutex(State())
        private let tally: Tally?

        init(tally: Tally?) { self.tally = tally }

        func start(_ continuation: CheckedContinuation<Bool, Never>, until deadline: ContinuousClock.Instant) {
            let stored = state.withLock { state -> Bool in
                guard !state.finished else { return false }
                state.continuation = continuation
                tally?.pending.add(1, ordering: .relaxed)
                return true
            }
            guard stored else { return continuation.resume(returning: false) }
            let timer = SleepTimers.shared.schedule(at: deadline) { [self] in finish(true) }
            // Cancelled meanwhile: its timer is taken back here, as `finish` found none to take.
            let cancelled = state.withLock { state -> Bool in
                if state.finished { return true }
                state.timer = timer
                return false
            }
            if cancelled { SleepTimers.shared.cancel(timer) }
        }

        func finish(_ deadlineCame: Bool) {
            let (continuation, timer) = state.withLock { state -> (CheckedContinuation<Bool, Never>?, Int?) in
                state.finished = true
                if state.continuation != nil { tally?.pending.subtract(1, ordering: .relaxed) }
                defer { (state.continuation, state.timer) = (nil, nil) }
                return (state.continuation, state.timer)
            }
            if let timer, !deadlineCame { SleepTimers.shared.cancel(timer) }
            continuation?.resume(returning: deadlineCame)
        }
    }
}

/// One thread that keeps every sleep's deadline: a cancelled one is removed, its memory freed,
/// and the process has exactly one more thread however many sleeps there are.
/// Unchecked: `entries` and `started` are read and written with `condition`'s lock held.
final class SleepTimers: @unchecked Sendable {
    static let shared = SleepTimers()

    private let condition = Condition()
    private var entries: [Int: (deadline: ContinuousClock.Instant, fire: @Sendable () -> Void)] = [:]
    private var nextID = 0
    private var started = false

    func schedule(at deadline: ContinuousClock.Instant, _ fire: @escaping @Sendable () -> Void) -> Int {
        condition.withLock {
            nextID += 1
            entries[nextID] = (deadline, fire)
            if !started {
                started = true
                OSThread.start(name: "altv-dev-timers") { [self] in run() }
            }
            condition.signal()
            return nextID
        }
    }

    func cancel(_ id: Int) {
        condition.withLock { _ = entries.removeValue(forKey: id) }
    }

    private func run() {
        condition.lock()
        while true {
            guard let (id, next) = entries.min(by: { $0.value.deadline < $1.value.deadline }) else {
                condition.wait()
                continue
            }
            let now = ContinuousClock.now
            guard next.deadline <= now else {
                condition.wait(for: now.duration(to: next.deadline))
                continue
            }
            entries.removeValue(forKey: id)
            condition.unlock()
            next.fire()
            condition.lock()
        }
    }
}
