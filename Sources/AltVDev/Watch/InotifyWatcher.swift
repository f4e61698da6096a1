import FoundationEssentials
import Glibc
import Synchronization

/// What the watcher reports: file events, the config file, or a problem worth telling the user about.
public enum WatcherOutput: Sendable {
    case events([FileEvent])
    /// The config file was written, replaced, moved away or deleted.
    case configFile(FileEvent.Kind)
    case warning(String)
    /// A folder that could not be read (so not watched) can be now, and is watched from now on.
    case readableAgain(String)
    /// New roots or ignore rules took effect.
    case rearmed(WatchSummary)
    /// Every event that happened before `barrier()` returned `id` has been delivered.
    case barrier(Int)
}

/// How much a walk found.
public struct WatchSummary: Sendable, Equatable {
    public var folders: Int
    public var failed: [String]
    /// Folders polled, and why (the file system inotify is blind to; nil with `backend = "poll"`).
    public var polled: [PolledFolder] = []
}

/// A folder the poller sweeps.
public struct PolledFolder: Sendable, Equatable {
    public var path: String
    public var fileSystem: BlindFileSystem?
    /// Polled because inotify's watch limit left it out.
    public var overLimit = false
}

/// Watches folders recursively with inotify, skipping ignored folders entirely, plus the
/// config file itself wherever it lies.
///
/// libinotifytools has one hidden, non-reentrant instance per process, so every call into it is
/// made from one dedicated thread owned by this object; results leave through `handler`.
/// Unchecked: libinotifytools state lives on the watcher's thread; what other threads touch is in `shared`.
public final class InotifyWatcher: @unchecked Sendable {
    /// Read and written on the watcher's thread only, once started.
    var roots: [String]
    var filter: PathFilter
    var backend: WatchBackend
    var pollInterval: Duration
    /// The config file and the files it reads (its `env_file`): a change to one is `.configFile`.
    var configFiles: [String]
    let handler: @Sendable (WatcherOutput) -> Void
    let stopRequested = OnceFlag()
    /// What other threads touch.
    private struct Shared {
        var pendingRearm: Rearm?
        /// The poller of the current arming, if anything is polled.
        var currentPoller: Poller?
        /// Barriers still waiting for inotify's marker, the poller's sweep, or both.
        var barrierHalves: [Int: Int] = [:]
        var nextBarrier = 0
    }
    private let shared = Mutex(Shared())

    struct Rearm {
        var roots: [String]
        var filter: PathFilter
        var backend: WatchBackend
        var pollInterval: Duration
        var configFiles: [String]
    }
    /// Each watch's folder, kept by us: libinotifytools' own names go stale after some rename chains.
    /// Watcher thread only.
    var folders = WatchTable()
    /// A folder moved away whose `IN_MOVED_TO` has not come (yet): if the next event is not it, it left the tree.
    var pendingMoveOut: (cookie: UInt32, path: String)?
    /// Folders not watched for want of permission: each is tried again when its mode changes
    /// (the folder it is in reports `IN_ATTRIB`). Watcher thread only.
    var unreadable: Set<String> = []
    /// A private folder this process writes to as a marker: inotify delivers events in order, so
    /// once the marker's event arrives, every earlier event (a build's writes) has been seen too.
    let barrierFolder: String?

    public init(
        roots: [String], filter: PathFilter, configFiles: [String] = [], backend: WatchBackend = .auto, pollInterval: Duration = .milliseconds(500),
        handler: @escaping @Sendable (WatcherOutput) -> Void
    ) {
        self.roots = roots
        self.filter = filter
        self.backend = backend
        self.pollInterval = pollInterval
        self.configFiles = configFiles
        self.handler = handler
        var template = Array(((ProcessInfo.processInfo.environment["TMPDIR"] ?? "/tmp") + "/altv-dev-barrier-XXXXXX").utf8CString)
        barrierFolder = template.withUnsafeMutableBufferPointer { mkdtemp($0.baseAddress!) }.map { String(cString: $0) }
    }

    /// Writes a marker; `.barrier(id)` follows every event already queued (and, where folders are
    /// polled, a sweep begun after it). Nil without a marker folder.
    public func barrier() -> Int? {
        guard let barrierFolder else { return nil }
        let (id, poller) = shared.withLock { shared -> (Int, Poller?) in
            shared.nextBarrier += 1
            shared.barrierHalves[shared.nextBarrier] = shared.currentPoller == nil ? 1 : 2
            return (shared.nextBarrier, shared.currentPoller)
        }
        let fd = open("\(barrierFolder)/\(id)", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            _ = shared.withLock { $0.barrierHalves.removeValue(forKey: id) }
            return nil
        }
        close(fd)
        poller?.barrier(id)
        return id
    }

    /// One half of a barrier arrived (inotify's marker, or the poller's sweep); the second reports it.
    func barrierHalfReached(_ id: Int) {
        let done = shared.withLock { shared -> Bool in
            guard let left = shared.barrierHalves[id] else { return false }
            if left <= 1 { shared.barrierHalves[id] = nil } else { shared.barrierHalves[id] = left - 1 }
            return left <= 1
        }
        if done { handler(.barrier(id)) }
    }

    /// A marker's event: count it and remove the file.
    func barrierReached(_ path: String) -> Bool {
        guard let barrierFolder, path.hasPrefix(barrierFolder + "/") else { return false }
        if let id = Int(path.dropFirst(barrierFolder.count + 1)) {
            unlink(path)
            barrierHalfReached(id)
        }
        return true
    }

    /// Replaces the poller (stopping the old one); on the watcher's thread.
    func replacePoller(_ poller: Poller?) {
        let old = shared.withLock { shared -> Poller? in
            defer { shared.currentPoller = poller }
            // A barrier waiting on the old poller's sweep would never end: its half counts as reached.
            if shared.currentPoller != nil, poller == nil {
                for (id, left) in shared.barrierHalves where left > 1 { shared.barrierHalves[id] = left - 1 }
            }
            return shared.currentPoller
        }
        old?.stop()
        poller?.start()
    }

    var poller: Poller? { shared.withLock { $0.currentPoller } }

    func removeBarrierFolder() {
        guard let barrierFolder else { return }
        if let names = try? FileManager.default.contentsOfDirectory(atPath: barrierFolder) {
            for name in names { unlink(barrierFolder + "/" + name) }
        }
        rmdir(barrierFolder)
    }

    /// Stops delivering events; removing the marker folder wakes the thread, which then ends.
    public func stop() {
        stopRequested.set()
        poller?.stop()
        // Now, not when the thread wakes: the process may exit before it does.
        removeBarrierFolder()
    }

    /// Replaces the roots and rules; applied by the watcher's thread when the marker below wakes
    /// it, then reported as `.rearmed`.
    public func rearm(
        roots: [String], filter: PathFilter, backend: WatchBackend = .auto, pollInterval: Duration = .milliseconds(500), configFiles: [String]
    ) {
        shared.withLock {
            $0.pendingRearm = Rearm(roots: roots, filter: filter, backend: backend, pollInterval: pollInterval, configFiles: configFiles)
        }
        wakeThread()
    }

    /// An event in the marker folder: the thread, blocked waiting for one, looks at its flags again.
    private func wakeThread() {
        guard let barrierFolder else { return }
        let fd = open("\(barrierFolder)/wake", O_WRONLY | O_CREAT | O_CLOEXEC, 0o600)
        if fd >= 0 { close(fd) }
    }

    func takePendingRearm() -> Rearm? {
        shared.withLock { shared in
            defer { shared.pendingRearm = nil }
            return shared.pendingRearm
        }
    }

    /// Whether `path` lies in one of the watched trees (the config's own folder may not).
    func isInTree(_ path: String) -> Bool {
        roots.contains { path == $0 || path.hasPrefix($0.hasSuffix("/") ? $0 : $0 + "/") }
    }
}
