import FoundationEssentials
import Synchronization

/// A value that arrives once; any number of tasks can wait for it, and a cancelled wait returns nil.
public final class Latch<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
        var nextID = 0
    }

    private let state = Mutex(State())

    public init() {}

    /// Sets the value once; later calls are ignored. Returns whether this call set it.
    @discardableResult
    public func fulfill(_ newValue: Value) -> Bool {
        let waiting = state.withLock { state -> [CheckedContinuation<Value?, Never>]? in
            guard state.value == nil else { return nil }
            state.value = newValue
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        guard let waiting else { return false }
        for continuation in waiting { continuation.resume(returning: newValue) }
        return true
    }

    public var current: Value? { state.withLock { $0.value } }

    /// Waits for the value; returns nil if the waiting task is cancelled first.
    public func wait() async -> Value? {
        let id = state.withLock { state -> Int in
            state.nextID += 1
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                // Resumed outside the lock: a resume may run the waiter's code at once.
                let answer = state.withLock { state -> Value?? in
                    if let value = state.value { return .some(value) }
                    if Task.isCancelled { return .some(nil) }
                    state.waiters[id] = continuation
                    return .none
                }
                if let answer { continuation.resume(returning: answer) }
            }
        } onCancel: {
            let continuation = state.withLock { $0.waiters.removeValue(forKey: id) }
            continuation?.resume(returning: nil)
        }
    }

    /// Waits for the value until `deadline`; nil if it has not come by then (or on cancellation).
    public func wait(until deadline: ContinuousClock.Instant) async -> Value? {
        if let value = current { return value }
        return await withTaskGroup(of: Value?.self) { race in
            race.addTask { await self.wait() }
            race.addTask {
                await CancellableSleep.until(deadline)
                return nil
            }
            let first = await race.next() ?? nil
            race.cancelAll()
            return first
        }
    }

    /// Waits for the value at most `timeout`.
    public func wait(timeout: Duration) async -> Value? {
        await wait(until: .now + timeout)
    }
}
