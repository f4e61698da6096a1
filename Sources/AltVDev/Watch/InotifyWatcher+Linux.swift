import CInotifyTools
import Foundation
import Glibc

extension InotifyWatcher {
    static let directoryEvents: Int32 = Int32(
        bitPattern: UInt32(IN_CREATE) | UInt32(IN_CLOSE_WRITE) | UInt32(IN_MOVED_FROM) | UInt32(IN_MOVED_TO)
            | UInt32(IN_DELETE) | UInt32(IN_DELETE_SELF) | UInt32(IN_MOVE_SELF) | UInt32(IN_ONLYDIR))

    /// Initialises inotify, watches every folder under the roots that is not ignored, then
    /// delivers events from a dedicated thread until `stop()`.
    public func start() throws -> WatchSummary {
        let ready = DispatchSemaphore(value: 0)
        let outcome = Outcome()
        let thread = Thread { [self] in
            guard inotifytools_initialize() != 0 else {
                outcome.error = "inotify could not start: \(String(cString: strerror(inotifytools_error())))"
                ready.signal()
                return
            }
            outcome.summary = watchEverything()
            ready.signal()
            var renames: [UInt32: String] = [:]
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
                    renames = [:]
                    handler(.rearmed(watchEverything()))
                }
                guard let event = inotifytools_next_event(1) else { continue }
                let events = translate(event.pointee, event: event, renames: &renames)
                if !events.isEmpty, !stopRequested.isSet { handler(.events(events)) }
            }
            inotifytools_cleanup()
            removeBarrierFolder()
        }
        thread.name = "altv-dev inotify"
        thread.start()
        self.thread = thread
        ready.wait()
        if let error = outcome.error { throw WatcherError(message: error) }
        return outcome.summary ?? WatchSummary(folders: 0, failed: [])
    }

    /// Watches the trees and the config file's folder; on the watcher's thread.
    private func watchEverything() -> WatchSummary {
        var walker = TreeWalker(watcher: self)
        for root in roots { walker.watchTree(root) }
        if let configFile {
            let folder = (configFile as NSString).deletingLastPathComponent
            if !isInTree(folder) { _ = inotifytools_watch_file(folder + "/", Self.directoryEvents) }
        }
        if let barrierFolder { _ = inotifytools_watch_file(barrierFolder + "/", Int32(bitPattern: UInt32(IN_CLOSE_WRITE))) }
        walker.reportLimit()
        return WatchSummary(folders: walker.folders, failed: walker.failed)
    }

    /// Turns one raw event into file events, adding watches for folders that appear.
    private func translate(_ raw: inotify_event, event: UnsafeMutablePointer<inotify_event>, renames: inout [UInt32: String]) -> [FileEvent] {
        let mask = raw.mask
        func has(_ flag: Int32) -> Bool { mask & UInt32(bitPattern: flag) != 0 }
        func has(_ flag: UInt32) -> Bool { mask & flag != 0 }
        if has(UInt32(IN_Q_OVERFLOW)) { return [FileEvent(path: roots.first ?? "/", kind: .overflow)] }
        if raw.len == 0, has(UInt32(IN_DELETE_SELF)) || has(UInt32(IN_MOVE_SELF)), let directory = inotifytools_filename_from_wd(raw.wd) {
            var path = String(cString: directory)
            if path.count > 1, path.hasSuffix("/") { path.removeLast() }
            guard roots.contains(path) else { return [] }
            // Watch the parent for the folder to come back; its creation re-walks it.
            let parent = (path as NSString).deletingLastPathComponent
            _ = inotifytools_watch_file(parent + "/", Self.directoryEvents)
            handler(.warning("watched folder \(path) was removed; it is watched again when it comes back"))
            return [FileEvent(path: path, kind: .removed, isDirectory: true)]
        }
        guard raw.len > 0, let directory = inotifytools_filename_from_wd(raw.wd) else { return [] }
        let name = withUnsafePointer(to: &event.pointee) { pointer -> String in
            let base = UnsafeRawPointer(pointer).advanced(by: MemoryLayout<inotify_event>.size)
            return String(cString: base.assumingMemoryBound(to: CChar.self))
        }
        let path = String(cString: directory) + name
        let isDirectory = has(UInt32(IN_ISDIR))
        if barrierReached(path) { return [] }
        if path == configFile {
            if let kind = fileKind(mask) { handler(.configFile(kind)) }
            return []
        }
        if !isInTree(path) || filter.isIgnored(path, isDirectory: isDirectory) { return [] }

        if isDirectory {
            if has(UInt32(IN_MOVED_FROM)) {
                renames[raw.cookie] = path
                return [FileEvent(path: path, kind: .renamedFrom, isDirectory: true)]
            }
            if has(UInt32(IN_MOVED_TO)), let old = renames.removeValue(forKey: raw.cookie) {
                // The watches below the old name live on; only their recorded paths must move.
                inotifytools_replace_filename(old + "/", path + "/")
                return [FileEvent(path: path, kind: .renamedTo, isDirectory: true)]
            }
            if has(UInt32(IN_CREATE)) || has(UInt32(IN_MOVED_TO)) {
                // A new folder's files may be written before its watch exists: count what is there.
                var walker = TreeWalker(watcher: self)
                walker.collectFiles = true
                walker.watchTree(path)
                walker.reportLimit()
                let kind: FileEvent.Kind = has(UInt32(IN_CREATE)) ? .created : .renamedTo
                return [FileEvent(path: path, kind: kind, isDirectory: true)]
                    + walker.files.map { FileEvent(path: $0, kind: .created) }
            }
            if has(UInt32(IN_DELETE)) { return [FileEvent(path: path, kind: .removed, isDirectory: true)] }
            return []
        }
        guard let kind = fileKind(mask) else { return [] }
        return [FileEvent(path: path, kind: kind)]
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
    /// Device and inode of each folder entered: a symlink loop is walked once.
    private var visited: Set<[UInt64]> = []

    init(watcher: InotifyWatcher) {
        self.watcher = watcher
    }

    mutating func watchTree(_ root: String) {
        var stack = [root]
        while let folder = stack.popLast() {
            var info = stat()
            if stat(folder, &info) == 0, !visited.insert([UInt64(info.st_dev), UInt64(info.st_ino)]).inserted { continue }
            if inotifytools_watch_file(folder + "/", InotifyWatcher.directoryEvents) != 0 {
                folders += 1
            } else {
                // Keep walking: the count in the warning is then the real one, and folders
                // below may still fit if the limit was not the reason.
                if inotifytools_error() == ENOSPC { limitReached = true }
                failed.append(folder)
            }
            guard let directory = opendir(folder) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                let name = withUnsafePointer(to: entry.pointee.d_name) {
                    String(cString: UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self))
                }
                if name == "." || name == ".." { continue }
                let path = folder + "/" + name
                var isDirectory = entry.pointee.d_type == UInt8(DT_DIR)
                if entry.pointee.d_type == UInt8(DT_UNKNOWN) || entry.pointee.d_type == UInt8(DT_LNK) {
                    var info = stat()
                    isDirectory = stat(path, &info) == 0 && (info.st_mode & S_IFMT) == S_IFDIR
                }
                if watcher.filter.isIgnored(path, isDirectory: isDirectory) { continue }
                if isDirectory { stack.append(path) } else if collectFiles { files.append(path) }
            }
        }
    }

    /// Says once, clearly, that the kernel's watch limit stopped the walk, and how to raise it.
    func reportLimit() {
        guard limitReached else {
            if !failed.isEmpty {
                watcher.handler(.warning("could not watch \(failed.count) folder(s), first: \(failed[0])"))
            }
            return
        }
        let limit = ProcFile.text("/proc/sys/fs/inotify/max_user_watches")?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "unknown"
        watcher.handler(.warning(
            "inotify watch limit reached (fs.inotify.max_user_watches = \(limit)): \(failed.count) folder(s) are not watched, first: \(failed[0]). "
                + "Raise it with: sudo sysctl fs.inotify.max_user_watches=524288 (add it to /etc/sysctl.conf to keep it), "
                + "or ignore large folders in [watch] ignore."))
    }
}

/// The watcher's start-up result, handed from its thread to the caller.
final class Outcome: @unchecked Sendable {
    var summary: WatchSummary?
    var error: String?
}

/// inotify could not be used at all.
public struct WatcherError: Error, CustomStringConvertible {
    public var message: String
    public var description: String { message }
}
