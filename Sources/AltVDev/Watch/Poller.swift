import Dispatch
import FoundationEssentials
import Glibc

/// What a sweep saw of one path: enough to tell a save from nothing.
public struct StatEntry: Equatable, Sendable {
    public var inode: UInt64
    public var size: Int64
    public var modified: Int64
    public var changed: Int64

    public init(inode: UInt64, size: Int64, modified: Int64, changed: Int64) {
        self.inode = inode
        self.size = size
        self.modified = modified
        self.changed = changed
    }
}

/// What the poller remembers of its folders between sweeps, folder by folder: each file's stat
/// entry by name, the subfolders, and the names the ignore rules rejected (never stat'ed again).
/// A sweep compares in place and builds a full path only for what changed.
public final class PolledTree {
    struct Folder {
        var files: [String: (entry: StatEntry, seen: UInt32)] = [:]
        var subfolders: Set<String> = []
        var ignored: Set<String> = []
    }

    let roots: [String]
    let filter: PathFilter
    private var folders: [String: Folder] = [:]
    private var generation: UInt32 = 0

    public init(roots: [String], filter: PathFilter) {
        self.roots = roots
        self.filter = filter
    }

    /// Files known now.
    public var fileCount: Int { folders.values.reduce(0) { $0 + $1.files.count } }

    /// One sweep: what changed since the last, as the file events inotify would have given
    /// (created, modified, removed; a rename is a remove and a create). The first sweep is the
    /// baseline and reports nothing. Ignored folders are never entered, a symlink loop is walked once.
    public func sweep() -> [FileEvent] {
        let baseline = generation == 0
        generation &+= 1
        var events: [FileEvent] = []
        var visited = Set<String>()
        var inodes = Set<[UInt64]>()
        for root in roots where !filter.isIgnored(root, isDirectory: true) {
            var stack = [root]
            while let path = stack.popLast() {
                var info = stat()
                guard RawBytes.withCString(path, { stat($0, &info) }) == 0, (info.st_mode & S_IFMT) == S_IFDIR,
                    inodes.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted
                else { continue }
                visited.insert(path)
                if folders[path] == nil, path != root, !baseline { events.append(FileEvent(path: path, kind: .created, isDirectory: true)) }
                sweepFolder(path, baseline: baseline, stack: &stack, events: &events)
            }
        }
        // Folders not reached this time are gone (or now ignored): their files and themselves.
        for (path, folder) in folders where !visited.contains(path) {
            for name in folder.files.keys { events.append(FileEvent(path: path + "/" + name, kind: .removed)) }
            if !roots.contains(path) { events.append(FileEvent(path: path, kind: .removed, isDirectory: true)) }
            folders[path] = nil
        }
        return events.sorted { ($0.path, $0.kind.rawValue) < ($1.path, $1.kind.rawValue) }
    }

    /// One folder's entries against what the last sweep saw: changes appended to `events`, subfolders to `stack`.
    private func sweepFolder(_ path: String, baseline: Bool, stack: inout [String], events: inout [FileEvent]) {
        var folder = folders[path] ?? Folder()
        var subfolders: Set<String> = []
        DirectoryListing.forEach(in: path) { childPath, name, type, descriptor in
            if folder.ignored.contains(name) { return }
            // The full path is built only where it is needed: new names, folders, changes.
            var built: String?
            var child: String {
                if let built { return built }
                built = childPath()
                return built!
            }
            if type == UInt8(DT_DIR) || folder.subfolders.contains(name) {
                if folder.subfolders.contains(name) || !filter.isIgnoredEntry(child, isDirectory: true) {
                    subfolders.insert(name)
                    stack.append(child)
                } else {
                    folder.ignored.insert(name)
                }
                return
            }
            // Relative to the open folder: the kernel does not walk the whole path again per file.
            var fileInfo = stat()
            guard RawBytes.withCString(name, { fstatat(descriptor, $0, &fileInfo, 0) }) == 0 else { return }
            let isDirectory = (fileInfo.st_mode & S_IFMT) == S_IFDIR
            if let known = folder.files[name] {
                let entry = StatEntry(fileInfo)
                if entry != known.entry { events.append(FileEvent(path: child, kind: .modified)) }
                folder.files[name] = (entry, generation)
                return
            }
            if filter.isIgnoredEntry(child, isDirectory: isDirectory) {
                folder.ignored.insert(name)
                return
            }
            if isDirectory {
                subfolders.insert(name)
                stack.append(child)
                return
            }
            folder.files[name] = (StatEntry(fileInfo), generation)
            if !baseline { events.append(FileEvent(path: child, kind: .created)) }
        }
        let current = generation
        for (name, file) in folder.files where file.seen != current {
            folder.files[name] = nil
            events.append(FileEvent(path: path + "/" + name, kind: .removed))
        }
        folder.subfolders = subfolders
        folders[path] = folder
    }
}

extension StatEntry {
    init(_ info: stat) {
        self.init(
            inode: UInt64(info.st_ino), size: Int64(info.st_size),
            modified: Int64(info.st_mtim.tv_sec) * 1_000_000_000 + Int64(info.st_mtim.tv_nsec),
            changed: Int64(info.st_ctim.tv_sec) * 1_000_000_000 + Int64(info.st_ctim.tv_nsec))
    }
}

/// Polls folders inotify cannot see into: a sweep every `interval` on its own thread, its
/// differences handed on as file events. It sleeps between sweeps; a sweep slower than the
/// interval is reported once, with the fix.
/// Unchecked: the snapshots belong to the poller's thread; what other threads touch is under `condition`.
final class Poller: @unchecked Sendable {
    let roots: [String]
    let filter: PathFilter
    let interval: Duration
    /// Also polled, on their own: the config files that lie where inotify cannot see.
    let configFiles: [String]
    private let handler: @Sendable (WatcherOutput) -> Void
    private let condition = Condition()
    private var stopped = false
    /// Paths inotify just reported, with the number of the sweep under way then: sweeps up to the
    /// next one do not report them again.
    private var alreadyReported: [String: Int] = [:]
    private var sweeps = 0
    /// Barriers waiting for a sweep that starts after them.
    private var waitingBarriers: [Int] = []
    private var slowSweepReported = false

    init(roots: [String], filter: PathFilter, interval: Duration, configFiles: [String], handler: @escaping @Sendable (WatcherOutput) -> Void) {
        self.roots = roots
        self.filter = filter
        self.interval = interval
        self.configFiles = configFiles
        self.handler = handler
    }

    func start() {
        // The first sweep is the baseline, taken before start returns: a save right after start counts.
        // The tree lives on the poller's thread only.
        let baselineTaken = DispatchSemaphore(value: 0)
        OSThread.start(name: "altv-dev poller") { [self] in
            let tree = PolledTree(roots: roots, filter: filter)
            _ = tree.sweep()
            let configBaseline = configFiles.map(Self.statConfig)
            baselineTaken.signal()
            run(tree, config: configBaseline)
        }
        baselineTaken.wait()
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

    private func run(_ tree: PolledTree, config: [StatEntry?]) {
        var previousConfig = config
        while true {
            let (stop, barriers) = condition.withLock { () -> (Bool, [Int]) in
                if !stopped { condition.wait(for: interval) }
                defer { waitingBarriers = [] }
                return (stopped, waitingBarriers)
            }
            if stop { return }
            let sweep = condition.withLock { () -> Int in
                sweeps += 1
                return sweeps
            }
            let started = ContinuousClock.now
            var events = tree.sweep()
            let took = ContinuousClock.now - started
            // A save caught half done (an editor's rename dance) is swept again until it settles,
            // so it is reported as one burst rather than split across two polls.
            var settles = 0
            while !events.isEmpty, settles < 20, !isStopped {
                settles += 1
                sleepBriefly(Self.settle)
                let more = tree.sweep()
                if more.isEmpty { break }
                events += more
            }
            let skip = condition.withLock { () -> Set<String> in
                defer { alreadyReported = alreadyReported.filter { $0.value >= sweep } }
                return Set(alreadyReported.keys)
            }
            events = events.filter { !skip.contains($0.path) }
            if !events.isEmpty { handler(.events(events)) }
            let now = configFiles.map(Self.statConfig)
            for (index, stat) in now.enumerated() where stat != previousConfig[index] { handler(.configFile(stat == nil ? .removed : .modified)) }
            previousConfig = now
            for id in barriers { handler(.barrier(id)) }
            if took > interval, !slowSweepReported {
                slowSweepReported = true
                handler(.warning(
                    "a poll of \(tree.fileCount) files took \(took.humanReadable), longer than poll_interval "
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
        guard RawBytes.withCString(path, { stat($0, &info) }) == 0 else { return nil }
        return StatEntry(info)
    }
}

/// The entries of a folder, by path, name and `d_type`, without `.` and `..`; with the open folder's
/// descriptor, for `fstatat`.
enum DirectoryListing {
    static func forEach(in folder: String, _ body: (_ path: @autoclosure () -> String, _ name: String, _ type: UInt8, _ folder: Int32) -> Void) {
        guard let directory = RawBytes.withCString(folder, { opendir($0) }) else { return }
        defer { closedir(directory) }
        let descriptor = dirfd(directory)
        while let entry = readdir(directory) {
            let name = withUnsafePointer(to: entry.pointee.d_name) { RawBytes.string(cString: UnsafeRawPointer($0)) }
            if name == "." || name == ".." { continue }
            body(folder + "/" + name, name, entry.pointee.d_type, descriptor)
        }
    }
}
