import Dispatch
import CInotifyTools
import FoundationEssentials
import Glibc
import Synchronization

extension InotifyWatcher {
    static let directoryEvents: Int32 = Int32(
        bitPattern: UInt32(IN_CREATE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ATTRIB) | UInt32(IN_ONLYDIR))

    /// Initialises inotify, watches every folder under the roots that is not ignored, then
    /// delivers events from a dedicated thread until `stop()`.
    public func start() throws -> WatchSummary {
        let ready = DispatchSemaphore(value: 0)
        let outcome = Mutex<Result<WatchSummary, WatcherError>?>(nil)
        OSThread.start(name: "altv-dev inotify") { [self] in
            guard inotifytools_initialize() != 0 else {
                let error = WatcherError(message: "inotify could not start: \(String(cString: strerror(inotifytools_error())))")
                outcome.withLock { $0 = .failure(error) }
                ready.signal()
                return
            }
            let summary = watchEverything()
            outcome.withLock { $0 = .success(summary) }
            ready.signal()
            while !stopRequested.isSet {
                if let next = takePendingRearm() {
                    // Start over: dropping single watches would leave the old tree's paths behind.
                    inotifytools_cleanup()
                    guard inotifytools_initialize() != 0 else {
                        handler(.warning("inotify could not restart: \(String(cString: strerror(inotifytools_error())))"))
                        return
                    }
                    roots = next.roots
                    filter = next.filter
                    backend = next.backend
                    pollInterval = next.pollInterval
                    configFiles = next.configFiles
                    folders.removeAll()
                    unreadable.removeAll()
                    pendingMoveOut = nil
                    handler(.rearmed(watchEverything()))
                }
                // Idle costs nothing: block until an event, unless a move out of the tree waits to be
                // settled; stop() and rearm() wake the thread through the marker folder.
                guard let event = inotifytools_next_event(pendingMoveOut == nil && barrierFolder != nil ? 0 : 1) else {
                    settleMoveOut(unless: nil)
                    continue
                }
                settleMoveOut(unless: event.pointee)
                let events = translate(event.pointee, event: event)
                if !events.isEmpty, !stopRequested.isSet {
                    // A local write in a polled folder: inotify said it first, the next sweep must not say it again.
                    poller?.noteReported(events.map(\.path))
                    handler(.events(events))
                }
            }
            replacePoller(nil)
            inotifytools_cleanup()
            removeBarrierFolder()
        }
        ready.wait()
        return try outcome.withLock { $0 }?.get() ?? WatchSummary(folders: 0, failed: [])
    }

    /// Watches the trees and the config file's folder, and polls what inotify cannot see into;
    /// on the watcher's thread.
    private func watchEverything() -> WatchSummary {
        var walker = TreeWalker(watcher: self)
        walker.findBlindMounts = backend == .auto
        if backend != .poll { for root in roots { walker.watchTree(root) } }
        var configFolders: [String] = []
        for folder in configFiles.map(FilePath.parent) where !configFolders.contains(folder) { configFolders.append(folder) }
        let blindConfigFiles = configFiles.filter { file in backend == .poll || (backend == .auto && BlindFileSystem.of(FilePath.parent(file)) != nil) }
        for folder in configFolders where backend != .poll && !isInTree(folder) { addWatch(folder) }
        if let barrierFolder { addWatch(barrierFolder, events: Int32(bitPattern: UInt32(IN_CLOSE_WRITE))) }
        walker.reportLimit()
        // Over the limit, the folders left out are polled rather than not seen at all.
        let overLimit = walker.limitReached ? WatchLimit.roots(of: walker.failed).map { PolledFolder(path: $0.path, overLimit: true) } : []
        let polled = backend == .poll ? roots.map { PolledFolder(path: $0, fileSystem: nil) } : walker.blindMounts + overLimit
        var poller: Poller?
        if !polled.isEmpty || !blindConfigFiles.isEmpty {
            poller = Poller(
                roots: polled.map(\.path), filter: filter, interval: pollInterval, configFiles: blindConfigFiles
            ) { [weak self] output in
                guard let self else { return }
                if case .barrier(let id) = output { self.barrierHalfReached(id) } else { self.handler(output) }
            }
        }
        replacePoller(poller)
        return WatchSummary(folders: walker.folders, failed: walker.failed, polled: polled)
    }

    /// Watches `folder` and records its name under the watch's descriptor; `parent`: the watch of
    /// the folder it is in, when known. Nil if it could not be watched.
    @discardableResult
    func addWatch(_ folder: String, parent: Int32? = nil, events: Int32 = InotifyWatcher.directoryEvents) -> Int32? {
        let name = folder + "/"
        // libinotifytools keeps a record of every watch it ever added, by name, even once the kernel
        // dropped it or the folder moved: move an old record of this name aside, so that the name
        // resolves to the watch added now.
        let previous = RawBytes.withCString(name) { inotifytools_wd_from_filename($0) }
        if previous >= 0 { inotifytools_set_filename_by_wd(previous, "\u{1}superseded/\(previous)/") }
        guard RawBytes.withCString(name, { inotifytools_watch_file($0, events) }) != 0 else { return nil }
        let wd = RawBytes.withCString(name) { inotifytools_wd_from_filename($0) }
        if wd >= 0 { folders.insert(wd, path: folder, parent: parent) }
        return wd >= 0 ? wd : -1
    }

    /// A folder moved out of the tree: what happens to it there is not ours, so its watches go.
    private func folderLeft(_ path: String) {
        for (wd, _) in folders.watches(under: path) {
            folders.remove(wd)
            _ = inotifytools_remove_watch_by_wd(wd)
        }
    }

    /// Ends a pending move out of the tree unless `event` is the `IN_MOVED_TO` that pairs with it
    /// (the kernel queues the two halves of a rename back to back).
    private func settleMoveOut(unless event: inotify_event?) {
        guard let pending = pendingMoveOut else { return }
        if let event, event.cookie == pending.cookie, event.mask & UInt32(IN_MOVED_TO) != 0 { return }
        pendingMoveOut = nil
        folderLeft(pending.path)
    }

    /// Turns one raw event into file events, adding watches for folders that appear.
    private func translate(_ raw: inotify_event, event: UnsafeMutablePointer<inotify_event>) -> [FileEvent] {
        let mask = raw.mask
        func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
        func has(_ flag: UInt32) -> Bool { mask & flag != 0 }
        if has(UInt32(IN_Q_OVERFLOW)) { return [FileEvent(path: roots.first ?? "/", kind: .overflow)] }
        if has(UInt32(IN_IGNORED)) {
            // The kernel dropped this watch (its folder is gone): forget its name.
            folders.remove(raw.wd)
            return []
        }
        if raw.len == 0, has(UInt32(IN_DELETE_SELF)) || has(UInt32(IN_MOVE_SELF)), let path = folders.path(of: raw.wd) {
            guard roots.contains(path) else { return [] }
            // Watch the parent for the folder to come back; its creation re-walks it.
            addWatch(FilePath.parent(path))
            handler(.warning("watched folder \(path) was removed; it is watched again when it comes back"))
            return [FileEvent(path: path, kind: .removed, isDirectory: true)]
        }
        guard raw.len > 0, let directory = folders.path(of: raw.wd) else { return [] }
        let name = withUnsafePointer(to: &event.pointee) { pointer -> String in
            RawBytes.string(cString: UnsafeRawPointer(pointer).advanced(by: MemoryLayout<inotify_event>.size))
        }
        let path = (directory == "/" ? "" : directory) + "/" + name
        let isDirectory = has(UInt32(IN_ISDIR))
        if barrierReached(path) { return [] }
        if configFiles.contains(path) {
            if let kind = fileKind(mask) { handler(.configFile(kind)) }
            return []
        }
        if !isInTree(path) || filter.isIgnored(path, isDirectory: isDirectory) { return [] }

        if isDirectory { return folderEvent(raw, path: path) }
        guard let kind = fileKind(mask) else { return [] }
        // A file closed after it was deleted (a writer still holding it) reports its close under the
        // old name, after the delete: that is no change to a file that is gone.
        if kind == .modified, Self.isGone(path) { return [] }
        return [FileEvent(path: path, kind: kind)]
    }

    static func isGone(_ path: String) -> Bool {
        var info = stat()
        return RawBytes.withCString(path, { lstat($0, &info) }) != 0 && errno == ENOENT
    }

    /// A folder's event: a rename within the tree moves its watches, a new folder is walked for files already in it.
    private func folderEvent(_ raw: inotify_event, path: String) -> [FileEvent] {
        func has(_ flag: UInt32) -> Bool { raw.mask & flag != 0 }
        if has(UInt32(IN_MOVED_FROM)) {
            pendingMoveOut = (raw.cookie, path)
            return [FileEvent(path: path, kind: .renamedFrom, isDirectory: true)]
        }
        if has(UInt32(IN_MOVED_TO)), let pending = pendingMoveOut, pending.cookie == raw.cookie {
            // The watches below the old name live on; only their recorded paths must move.
            pendingMoveOut = nil
            folders.move(from: pending.path, to: path, newParent: raw.wd)
            return [FileEvent(path: path, kind: .renamedTo, isDirectory: true)]
        }
        if has(UInt32(IN_CREATE)) || has(UInt32(IN_MOVED_TO)) {
            // A new folder's files may be written before its watch exists: count what is there.
            var walker = TreeWalker(watcher: self)
            walker.collectFiles = true
            walker.watchTree(path, parent: raw.wd)
            walker.reportLimit()
            let kind: FileEvent.Kind = has(UInt32(IN_CREATE)) ? .created : .renamedTo
            return [FileEvent(path: path, kind: kind, isDirectory: true)]
                + walker.files.map { FileEvent(path: $0, kind: .created) }
        }
        if has(UInt32(IN_DELETE)) { return [FileEvent(path: path, kind: .removed, isDirectory: true)] }
        if has(UInt32(IN_ATTRIB)), unreadable.contains(path) { watchReadableAgain(path, parent: raw.wd) }
        return []
    }

    /// A folder that could not be read had its mode changed: watched now if it can be, with what is below it.
    private func watchReadableAgain(_ path: String, parent: Int32) {
        var walker = TreeWalker(watcher: self)
        walker.watchTree(path, parent: parent)
        guard !walker.failed.contains(path) else { return }
        unreadable.remove(path)
        handler(.readableAgain(path))
        walker.reportLimit()
    }

    private func fileKind(_ mask: UInt32) -> FileEvent.Kind? {
        func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
        if has(IN_CLOSE_WRITE) { return .modified }
        if has(IN_CREATE) { return .created }
        if has(IN_MOVED_TO) { return .renamedTo }
        if has(IN_MOVED_FROM) { return .renamedFrom }
        if has(IN_DELETE) { return .removed }
        return nil
    }
}

/// Walks a tree with the ignore rules, adding one watch per folder; ignored folders are never entered.
struct TreeWalker {
    let watcher: InotifyWatcher
    var folders = 0
    var failed: [String] = []
    var files: [String] = []
    var limitReached = false
    /// Collect the files found (for a folder that just appeared); the initial walk does not need them.
    var collectFiles = false
    /// Look at the file system of each root and each mount point crossed; those inotify is blind to are polled.
    var findBlindMounts = false
    var blindMounts: [PolledFolder] = []
    /// Device and inode of each folder entered: a symlink loop is walked once.
    private var visited: Set<[UInt64]> = []

    init(watcher: InotifyWatcher) {
        self.watcher = watcher
    }

    mutating func watchTree(_ root: String, parent: Int32? = nil) {
        var stack: [(folder: String, parentDevice: UInt64?, parent: Int32?)] = [(root, nil, parent)]
        while let (folder, parentDevice, parent) = stack.popLast() {
            var info = stat()
            let known = RawBytes.withCString(folder, { stat($0, &info) }) == 0
            if known, !visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { continue }
            // A root, or a mount point: another file system may start here.
            if findBlindMounts, known, parentDevice != UInt64(info.st_dev),
                !blindMounts.contains(where: { folder == $0.path || folder.hasPrefix($0.path + "/") }),
                let blind = BlindFileSystem.of(folder)
            {
                blindMounts.append(PolledFolder(path: folder, fileSystem: blind))
            }
            let device = known ? UInt64(info.st_dev) : parentDevice
            let wd = watcher.addWatch(folder, parent: parent)
            if wd != nil {
                folders += 1
            } else {
                // Keep walking: the count in the warning is then the real one, and folders
                // below may still fit if the limit was not the reason.
                if inotifytools_error() == ENOSPC { limitReached = true }
                if inotifytools_error() == EACCES { watcher.unreadable.insert(folder) }
                failed.append(folder)
            }
            DirectoryListing.forEach(in: folder) { entryPath, name, type, directory in
                let path = entryPath()
                var isDirectory = type == UInt8(DT_DIR)
                if type == UInt8(DT_UNKNOWN) || type == UInt8(DT_LNK) {
                    var info = stat()
                    isDirectory = RawBytes.withCString(name, { fstatat(directory, $0, &info, 0) }) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                if watcher.filter.isIgnoredEntry(path, isDirectory: isDirectory) { return }
                if isDirectory { stack.append((path, device, wd)) } else if collectFiles { files.append(path) }
            }
        }
    }

    /// Says once, clearly, that the kernel's watch limit stopped the walk, and how to raise it.
    func reportLimit() {
        guard limitReached else {
            if !failed.isEmpty {
                let retried = watcher.unreadable.contains(failed[0]) ? " (permission denied: watched once it can be read)" : ""
                watcher.handler(.warning("could not watch \(failed.count) folder(s), first: \(failed[0])\(retried)"))
            }
            return
        }
        let limit = ProcFile.text("/proc/sys/fs/inotify/max_user_watches")?.trimmingWhitespace() ?? "unknown"
        let base = watcher.roots.first ?? "/"
        watcher.handler(.warning(WatchLimit.message(
            limit: limit, watched: folders, roots: WatchLimit.roots(of: failed), shown: { PathFilter.relative($0, to: FilePath.parent(base)) ?? $0 })))
    }
}

/// inotify could not be used at all.
public struct WatcherError: Error, CustomStringConvertible, Sendable {
    public var message: String
    public var description: String { message }
}
