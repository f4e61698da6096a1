import Foundation

/// A value that arrives once; any number of tasks can wait for it, and a cancelled wait returns nil.
public final class Latch<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?
    private var waiters: [Int: CheckedContinuation<Value?, Never>] = [:]
    private var nextID = 0

    public init() {}

    /// Sets the value once; later calls are ignored. Returns whether this call set it.
    @discardableResult
    public func fulfill(_ newValue: Value) -> Bool {
        lock.lock()
        guard value == nil else {
            lock.unlock()
            return false
        }
        value = newValue
        let waiting = waiters
        waiters = [:]
        lock.unlock()
        for continuation in waiting.values { continuation.resume(returning: newValue) }
        return true
    }

    public var current: Value? { lock.withLock { value } }

    /// Waits for the value; returns nil if the waiting task is cancelled first.
    public func wait() async -> Value? {
        let id = lock.withLock { () -> Int in
            nextID += 1
            return nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Value?, Never>) in
                lock.lock()
                if let value {
                    lock.unlock()
                    continuation.resume(returning: value)
                } else if Task.isCancelled {
                    lock.unlock()
                    continuation.resume(returning: nil)
                } else {
                    waiters[id] = continuation
                    lock.unlock()
                }
            }
        } onCancel: {
            let continuation = lock.withLock { waiters.removeValue(forKey: id) }
            continuation?.resume(returning: nil)
        }
    }

    /// Waits for the value until `deadline`; nil if it has not come by then (or on cancellation).
    public func wait(until deadline: ContinuousClock.Instant) async -> Value? {
        if let value = current { return value }
        return await withTaskGroup(of: Value?.self) { race in
            race.addTask { await self.wait() }
            race.addTask {
                try? await Task.sleep(until: deadline, clock: .continuous)
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
