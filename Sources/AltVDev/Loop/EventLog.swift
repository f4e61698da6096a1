import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// `watch --events FILE`: each event of the contract as one JSON line, appended and written
/// with one `write` as it happens. A FIFO without a reader yet is opened in the background and
/// the lines wait for it; a full disk or a reader that went away is said once, and the loop goes on.
public final class EventLog: Sendable {
    public let path: String
    private let directory: String
    private let redactor: @Sendable () -> Redactor
    private let warn: @Sendable (String) -> Void
    /// Writes happen here, in order, so a slow reader never holds up the loop.
    private let queue = DispatchQueue(label: "altv-dev.events")
    private let state = Mutex<State>(State())

    static let pendingLimit = 10_000

    private struct State {
        var descriptor: Int32 = -1
        var pending: [[UInt8]] = []
        var failure: Int32?
        /// The kinds of failure said already: a disk that has room for short lines only fails on and off.
        var said: Set<Int32> = []
        /// The last line's `seq`: 1 is the schema line.
        var seq: Int64 = 0
    }

    /// Opens (creating) `path` for appending; throws a message naming the path when it cannot.
    public init(
        path: String, directory: String, redactor: @escaping @Sendable () -> Redactor, warn: @escaping @Sendable (String) -> Void
    ) throws(EventLogError) {
        self.path = path
        self.directory = directory
        self.redactor = redactor
        self.warn = warn
        // Through a link the events would land in whatever it points at: said, and refused.
        if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: path) { throw EventLogError(path: path, code: 0, linkTarget: target) }
        let descriptor = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NONBLOCK | O_NOFOLLOW, 0o644)
        if descriptor >= 0 {
            state.withLock { $0.descriptor = Self.blocking(descriptor) }
        } else if errno == ENXIO {
            // A FIFO nobody reads yet: wait for its reader on a thread of its own, not the writer's queue.
            DispatchQueue.global().async { [self] in
                let descriptor = open(path, O_WRONLY | O_CLOEXEC)
                let code = errno
                queue.async { [self] in descriptor >= 0 ? opened(descriptor) : failed(code) }
            }
        } else {
            throw EventLogError(path: path, code: errno)
        }
        append(EventRecord.schemaLine(time: EventRecord.timestamp()))
    }

    private static func blocking(_ descriptor: Int32) -> Int32 {
        _ = fcntl(descriptor, F_SETFL, fcntl(descriptor, F_GETFL) & ~O_NONBLOCK)
        return descriptor
    }

    private func opened(_ descriptor: Int32) {
        let pending = state.withLock { state in
            state.descriptor = descriptor
            defer { state.pending = [] }
            return state.pending
        }
        for line in pending { write(line) }
    }

    public func record(_ event: LoopEvent) {
        guard let json = EventRecord.json(event, time: EventRecord.timestamp(), directory: directory) else { return }
        // What others said (a stage's reason, a client's answer) is masked; the contract's own names never are.
        let redactor = redactor()
        let masked = json.mapStrings(except: ["event", "time", "trigger", "result"]) { redactor.redact($0) }
        append(masked)
    }

    /// Numbers the line in the order lines are written (`seq`, after `event` and `time`) and queues it.
    private func append(_ json: JSONValue) {
        queue.async { [self] in
            let seq = state.withLock { state in
                state.seq += 1
                return state.seq
            }
            var numbered = json
            if case .object(var members) = json {
                members.insert(("seq", .int(seq)), at: min(2, members.count))
                numbered = .object(members)
            }
            let line = Array((numbered.text + "\n").utf8)
            let waiting = state.withLock { state in
                if state.descriptor < 0, state.failure == nil {
                    // Bounded: a reader that never comes must not cost memory without end.
                    if state.pending.count >= Self.pendingLimit { state.pending.removeFirst() }
                    state.pending.append(line)
                }
                return state.descriptor < 0
            }
            if !waiting { write(line) }
        }
    }

    private func write(_ line: [UInt8]) {
        let descriptor = state.withLock { $0.descriptor }
        // A file's end before the line: a line the disk had room for only in part is cut off again,
        // so the next one does not glue onto it (a FIFO has no end: -1).
        let end = lseek(descriptor, 0, SEEK_END)
        if FileDescriptorWriter.writeAll(descriptor, line) {
            state.withLock { $0.failure = nil }
        } else {
            let code = errno
            if end >= 0 { _ = ftruncate(descriptor, end) }
            failed(code)
        }
    }

    /// Said once per kind of failure; later events are tried again (a disk may get space back).
    private func failed(_ code: Int32) {
        let first = state.withLock { state in
            state.failure = code
            return state.said.insert(code).inserted
        }
        guard first else { return }
        let what = code == EPIPE ? "its reader closed it" : String(cString: strerror(code))
        warn("--events \(path): \(what); events are not written while this lasts, the loop goes on")
    }

    /// Waits until every event recorded so far is written, at most `timeout`; false when the
    /// writes are stuck (a FIFO's reader that stopped reading), which is said as a warning.
    @discardableResult
    public func flush(within timeout: Duration) -> Bool {
        let written = DispatchSemaphore(value: 0)
        queue.async { written.signal() }
        guard written.wait(timeout: .now() + .milliseconds(Int(timeout.milliseconds))) == .success else {
            warn("--events \(path): its reader stopped reading; the last events were not written")
            return false
        }
        return true
    }
}

public struct EventLogError: Error, CustomStringConvertible, Sendable {
    public var path: String
    public var code: Int32
    /// The path is a symbolic link to this.
    public var linkTarget: String?

    public var description: String {
        if let linkTarget { return "--events \(path): is a symbolic link to \(linkTarget); fix: pass that path itself, if the events are meant to go there" }
        return "--events \(path): \(String(cString: strerror(code))); fix: give a path in a folder that exists and that you may write to"
    }
}
