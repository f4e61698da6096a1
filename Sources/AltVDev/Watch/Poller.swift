import Foundation
import Glibc

/// What a sweep saw of one path: enough to tell a save from nothing.
public struct StatEntry: Equatable, Sendable {
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64
    public var changed: Int64
    public var isDirectory: Bool

    public init(inode: UInt64, size: Int64, modified: Int64, changed: Int64, isDirectory: Bool) {
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
        self.isDirectory = isDirectory
    }
}

/// Every path under some folders, as one sweep saw it.
public struct Snapshot: Equatable, Sendable {
    public var entries: [String: StatEntry] = [:]

    public init(entries: [String: StatEntry] = [:]) { self.entries = entries }

    /// What changed from `old` to `self`, as the file events inotify would have given: created,
    /// modified, removed (a rename is a remove and a create). Folders count when they come or go.
    public func events(since old: Snapshot) -> [FileEvent] {
        var events: [FileEvent] = []
        for (path, entry) in entries {
            guard let before = old.entries[path] else {
                events.append(FileEvent(path: path, kind: .created, isDirectory: entry.isDirectory))
                continue
            }
            if entry.isDirectory != before.isDirectory {
                events.append(FileEvent(path: path, kind: .removed, isDirectory: before.isDirectory))
                events.append(FileEvent(path: path, kind: .created, isDirectory: entry.isDirectory))
            } else if !entry.isDirectory, entry != before {
                events.append(FileEvent(path: path, kind: .modified))
            }
        }
        for (path, before) in old.entries where entries[path] == nil {
            events.append(FileEvent(path: path, kind: .removed, isDirectory: before.isDirectory))
        }
        return events.sorted { ($0.path, $0.kind.rawValue) < ($1.path, $1.kind.rawValue) }
    }

    /// A stat-only walk of `roots`: ignored folders are never entered or stat'ed, ignored files not
    /// recorded, a symlink loop is walked once. A root that is missing is simply empty.
    public static func sweep(_ roots: [String], filter: PathFilter) -> Snapshot {
        var snapshot = Snapshot()
        var visited = Set<[UInt64]>()
        for root in roots where !filter.isIgnored(root, isDirectory: true) {
            var stack = [root]
            while let folder = stack.popLast() {
                var info = stat()
                guard stat(folder, &info) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                    visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted
                else { continue }
                if folder != root { snapshot.entries[folder] = StatEntry(info, isDirectory: true) }
                DirectoryListing.forEach(in: folder) { path, name, type, directory in
                    // A folder known to be one from its entry is filtered before any stat.
                    if type == UInt8(DT_DIR) {
                        if !filter.isIgnoredEntry(path, isDirectory: true) { stack.append(path) }
                        return
                    }
                    // Relative to the open folder: the kernel does not walk the whole path again per file.
                    var fileInfo = stat()
                    guard fstatat(directory, name, &fileInfo, 0) == 0 else { return }
                    let isDirectory = (fileInfo.st_mode & S_IFMT) == S_IFDIR
                    if filter.isIgnoredEntry(path, isDirectory: isDirectory) { return }
                    if isDirectory {
                        stack.append(path)
                    } else {
                        snapshot.entries[path] = StatEntry(fileInfo, isDirectory: false)
                    }
                }
            }
        }
        return snapshot
    }
}

extension StatEntry {
    init(_ info: stat, isDirectory: Bool) {
        self.init(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec), isDirectory: isDirectory)
    }
}

/// Polls folders inotify cannot see into: a sweep every `interval` on its own thread, its
/// differences handed on as file events. It sleeps between sweeps; a sweep slower than the
/// interval is reported once, with the fix.
final class Poller: @unchecked Sendable {
    let roots: [String]
    let filter: PathFilter
    let interval: Duration
    /// Also polled, on its own: the config file, when it lies where inotify cannot see.
    let configFile: String?
    private let handler: @Sendable (WatcherOutput) -> Void
    private let condition = NSCondition()
    private var stopped = false
    /// Paths inotify just reported, with the number of the sweep under way then: sweeps up to the
    /// next one do not report them again.
    private var alreadyReported: [String: Int] = [:]
    private var sweeps = 0
    /// Barriers waiting for a sweep that starts after them.
    private var waitingBarriers: [Int] = []
    private var slowSweepReported = false

    init(roots: [String], filter: PathFilter, interval: Duration, configFile: String?, handler: @escaping @Sendable (WatcherOutput) -> Void) {
        self.roots = roots
        self.filter = filter
        self.interval = interval
        self.configFile = configFile
        self.handler = handler
    }

    func start() {
        // The first sweep is the baseline, taken before start returns: a save right after start counts.
        let baseline = Snapshot.sweep(roots, filter: filter)
        let configBaseline = configFile.map(Self.statConfig) ?? nil
        let thread = Thread { [self] in run(from: baseline, config: configBaseline) }
        thread.name = "altv-dev poller"
        thread.start()
    }

    func stop() {
        condition.withLock {
            stopped = true
            condition.broadcast()
        }
    }

    /// inotify saw these: they are not news when the next sweep finds them changed.
    func noteReported(_ paths: [String]) {
        condition.withLock { for path in paths { alreadyReported[path] = sweeps } }
    }

    /// `.barrier(id)` once a sweep that began after this call has been reported; that sweep starts now.
    func barrier(_ id: Int) {
        condition.withLock {
            waitingBarriers.append(id)
            condition.broadcast()
        }
    }

    private func run(from baseline: Snapshot, config: StatEntry?) {
        var previous = baseline
        var previousConfig = config
        while true {
            let (stop, barriers) = condition.withLock { () -> (Bool, [Int]) in
                if !stopped { _ = condition.wait(until: Date(timeIntervalSinceNow: interval.seconds)) }
                defer { waitingBarriers = [] }
                return (stopped, waitingBarriers)
            }
            if stop { return }
            let sweep = condition.withLock { () -> Int in
                sweeps += 1
                return sweeps
            }
            let started = ContinuousClock.now
            var current = Snapshot.sweep(roots, filter: filter)
            let took = ContinuousClock.now - started
            var events = current.events(since: previous)
            // A save caught half done (an editor's rename dance) is swept again until it settles,
            // so it is reported as one burst rather than split across two polls.
            var settles = 0
            while !events.isEmpty, settles < 20, !isStopped {
                settles += 1
                sleepBriefly(Self.settle)
                let next = Snapshot.sweep(roots, filter: filter)
                let more = next.events(since: current)
                current = next
                if more.isEmpty { break }
                events += more
            }
            let skip = condition.withLock { () -> Set<String> in
                defer { alreadyReported = alreadyReported.filter { $0.value >= sweep } }
                return Set(alreadyReported.keys)
            }
            events = events.filter { !skip.contains($0.path) }
            previous = current
            if !events.isEmpty { handler(.events(events)) }
            if let configFile {
                let now = Self.statConfig(configFile)
                if now != previousConfig { handler(.configFile(now == nil ? .removed : .modified)) }
                previousConfig = now
            }
            for id in barriers { handler(.barrier(id)) }
            if took > interval, !slowSweepReported {
                slowSweepReported = true
                handler(.warning(
                    "a poll of \(current.entries.count) files took \(took.humanReadable), longer than poll_interval "
                        + "(\(interval.humanReadable)): ignore large folders in [watch] ignore, or set a longer poll_interval"))
            }
        }
    }

    /// How long a changing tree is given to settle before it is swept again.
    static let settle: Duration = .milliseconds(30)

    private var isStopped: Bool { condition.withLock { stopped } }

    private func sleepBriefly(_ duration: Duration) {
        var request = timespec(tv_sec: 0, tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }

    private static func statConfig(_ path: String) -> StatEntry? {
        var info = stat()
        guard stat(path, &info) == 0 else { return nil }
        return StatEntry(info, isDirectory: false)
    }
}

/// The entries of a folder, by path, name and `d_type`, without `.` and `..`; with the open folder's
/// descriptor, for `fstatat`.
enum DirectoryListing {
    static func forEach(in folder: String, _ body: (_ path: String, _ name: String, _ type: UInt8, _ folder: Int32) -> Void) {
        guard let directory = opendir(folder) else { return }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) {
                String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
            }
            if name == "." || name == ".." { continue }
            body(folder + "/" + name, name, entry.pointee.d_type, descriptor)
        }
    }
}
