import Foundation

/// What the watcher reports: file events, the config file, or a problem worth telling the user about.
public enum WatcherOutput: Sendable {
    case events([FileEvent])
    /// The config file was written, replaced, moved away or deleted.
    case configFile(FileEvent.Kind)
    case warning(String)
    /// New roots or ignore rules took effect.
    case rearmed(WatchSummary)
}

/// How much a walk found.
public struct WatchSummary: Sendable, Equatable {
    public var folders: Int
    public var failed: [String]
}

/// Watches folders recursively with inotify, skipping ignored folders entirely, plus the
/// config file itself wherever it lies.
///
/// libinotifytools has one hidden, non-reentrant instance per process, so every call into it is
/// made from one dedicated thread owned by this object; results leave through `handler`.
public final class InotifyWatcher: @unchecked Sendable {
    /// Read and written on the watcher's thread only, once started.
    var roots: [String]
    var filter: PathFilter
    let configFile: String?
    let handler: @Sendable (WatcherOutput) -> Void
    let stopRequested = Atomic()
    private let lock = NSLock()
    private var pendingRearm: (roots: [String], filter: PathFilter)?
    var thread: Thread?

    public init(
        roots: [String], filter: PathFilter, configFile: String? = nil, handler: @escaping @Sendable (WatcherOutput) -> Void
    ) {
        self.roots = roots
        self.filter = filter
        self.configFile = configFile
        self.handler = handler
    }

    /// Stops delivering events; the thread ends within a second.
    public func stop() {
        stopRequested.set()
    }

    /// Replaces the roots and rules; applied by the watcher's thread within a second, then
    /// reported as `.rearmed`.
    public func rearm(roots: [String], filter: PathFilter) {
        lock.withLock { pendingRearm = (roots, filter) }
    }

    func takePendingRearm() -> (roots: [String], filter: PathFilter)? {
        lock.withLock {
            defer { pendingRearm = nil }
            return pendingRearm
        }
    }

    /// Whether `path` lies in one of the watched trees (the config's own folder may not).
    func isInTree(_ path: String) -> Bool {
        roots.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }
}

/// A flag set once, read from any thread.
final class Atomic: @unchecked Sendable {
    private let lock = NSLock()
    private var value = false
    func set() { lock.withLock { value = true } }
    var isSet: Bool { lock.withLock { value } }
}
