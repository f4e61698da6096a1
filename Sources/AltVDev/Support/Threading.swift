import CProcessSpawn
import Glibc
import Synchronization

/// A pthread mutex, for `Condition` alone: a blocking thread's wait needs the pthread pair, and
/// everything else shares state through `Mutex`. Unchecked: the mutex is the synchronisation.
final class PthreadMutex: @unchecked Sendable {
    fileprivate let mutex = UnsafeMutablePointer<pthread_mutex_t>.allocate(capacity: 1)

    public init() { pthread_mutex_init(mutex, nil) }

    deinit {
        pthread_mutex_destroy(mutex)
        mutex.deallocate()
    }

    public func lock() { pthread_mutex_lock(mutex) }
    public func unlock() { pthread_mutex_unlock(mutex) }

    public func withLock<T>(_ body: () throws -> T) rethrows -> T {
        lock()
        defer { unlock() }
        return try body()
    }
}

/// A mutex with a condition variable, waits timed on the monotonic clock (NSCondition's job).
public final class Condition: @unchecked Sendable {
    private let lockBox = PthreadMutex()
    private let condition = UnsafeMutablePointer<pthread_cond_t>.allocate(capacity: 1)

    public init() {
        var attributes = pthread_condattr_t()
        pthread_condattr_init(&attributes)
        pthread_condattr_setclock(&attributes, CLOCK_MONOTONIC)
        pthread_cond_init(condition, &attributes)
        pthread_condattr_destroy(&attributes)
    }

    deinit {
        pthread_cond_destroy(condition)
        condition.deallocate()
    }

    public func lock() { lockBox.lock() }
    public func unlock() { lockBox.unlock() }
    public func withLock<T>(_ body: () throws -> T) rethrows -> T { try lockBox.withLock(body) }
    public func signal() { pthread_cond_signal(condition) }
    public func broadcast() { pthread_cond_broadcast(condition) }

    /// Waits for a signal; call with the lock held.
    public func wait() { pthread_cond_wait(condition, lockBox.mutex) }

    /// Waits for a signal for up to `duration`; false when the time ran out. Call with the lock held.
    @discardableResult
    public func wait(for duration: Duration) -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let parts = duration.components
        var nanoseconds = Int(now.tv_nsec) + Int(parts.attoseconds / 1_000_000_000)
        var seconds = Int(now.tv_sec) + Int(parts.seconds) + nanoseconds / 1_000_000_000
        nanoseconds %= 1_000_000_000
        if seconds < 0 { seconds = 0 }
        var deadline = timespec(tv_sec: seconds, tv_nsec: nanoseconds)
        return pthread_cond_timedwait(condition, lockBox.mutex, &deadline) == 0
    }
}

/// A thread of its own for blocking work (a read loop, the reaper): Foundation's `Thread`, on pthreads.
public enum OSThread {
    private final class Body {
        let name: String
        let run: @Sendable () -> Void
        init(_ name: String, _ run: @escaping @Sendable () -> Void) {
            self.name = name
            self.run = run
        }
    }

    /// Starts `body` on a new detached thread named `name` (at most 15 bytes are kept, as Linux does).
    public static func start(name: String, _ body: @escaping @Sendable () -> Void) {
        let context = Unmanaged.passRetained(Body(name, body)).toOpaque()
        var thread = pthread_t()
        let created = pthread_create(&thread, nil, { context in
            let body = Unmanaged<Body>.fromOpaque(context!).takeRetainedValue()
            _ = altv_name_this_thread(body.name)
            body.run()
            return nil
        }, context)
        guard created == 0 else {
            Unmanaged<Body>.fromOpaque(context).release()
            fatalError("pthread_create failed: \(String(cString: strerror(created)))")
        }
        pthread_detach(thread)
    }
}

/// A flag set once, read from any thread.
final class OnceFlag: Sendable {
    private let value = Atomic(false)
    func set() { value.store(true, ordering: .releasing) }
    var isSet: Bool { value.load(ordering: .acquiring) }
}
