import Foundation

/// What the watcher reports: file events, or a problem worth telling the user about.
public enum WatcherOutput: Sendable {
    case events([FileEvent])
    case warning(String)
}

/// How much the initial walk found.
public struct WatchSummary: Sendable, Equatable {
    public var folders: Int
    public var failed: [String]
}

/// Watches folders recursively with inotify, skipping ignored folders entirely.
///
/// libinotifytools has one hidden, non-reentrant instance per process, so every call into it is
/// made from one dedicated thread owned by this object; results leave through `handler`.
public final class InotifyWatcher: @unchecked Sendable {
    let roots: [String]
    let filter: PathFilter
    let handler: @Sendable (WatcherOutput) -> Void
    let stopRequested = Atomic()
    var thread: Thread?

    public init(roots: [String], filter: PathFilter, handler: @escaping @Sendable (WatcherOutput) -> Void) {
        self.roots = roots
        self.filter = filter
        self.handler = handler
    }

    /// Stops delivering events; the thread ends within a second.
    public func stop() {
        stopRequested.set()
    }
}

/// A flag set once, read from any thread.
final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
