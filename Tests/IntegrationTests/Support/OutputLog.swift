import AltVDev
import Foundation
import Testing

/// Everything a process printed, line by line, with waits for lines that are yet to come.
final class OutputLog: LineHandler, @unchecked Sendable {
    /// Someone waiting for `needed` lines that `matches`; checked line by line as they come.
    private final class Waiter {
        let matches: (String) -> Bool
        let needed: Int
        var seen: Int
        let latch = Latch<Bool>()

        init(matches: @escaping (String) -> Bool, needed: Int, seen: Int) {
            self.matches = matches
            self.needed = needed
            self.seen = seen
        }
    }

    private let lock = NSLock()
    private var collected: [String] = []
    private var waiters: [Waiter] = []
    private var isClosed = false
    /// Lines kept at most (the oldest go first), for tests that flood the output.
    let limit: Int
    private(set) var totalLines = 0
    let closed = Latch<Void>()

    /// Raw: escapes are kept (a terminal's log), not stripped.
    let raw: Bool

    init(limit: Int = .max, raw: Bool = false) {
        self.limit = limit
        self.raw = raw
    }

    func handle(line: UnsafeRawBufferPointer) {
        let text = String(decoding: raw ? Array(line) : ANSI.strip(line), as: UTF8.self)
        let met = lock.withLock { () -> [Waiter] in
            collected.append(text)
            totalLines += 1
            // Trimmed in big steps: removing one line at a time would shift the whole window per line.
            if collected.count - limit > limit { collected.removeFirst(collected.count - limit) }
            var met: [Waiter] = []
            waiters.removeAll { waiter in
                if waiter.matches(text) { waiter.seen += 1 }
                guard waiter.seen >= waiter.needed else { return false }
                met.append(waiter)
                return true
            }
            return met
        }
        for waiter in met { waiter.latch.fulfill(true) }
    }

    func endOfChunk() {}

    func finished() {
        let remaining = lock.withLock { () -> [Waiter] in
            isClosed = true
            defer { waiters = [] }
            return waiters
        }
        for waiter in remaining { waiter.latch.fulfill(false) }
        closed.fulfill(())
    }

    var lines: [String] { lock.withLock { collected } }
    var text: String { lines.joined(separator: "\n") }

    func count(containing fragment: String) -> Int {
        lines.filter { $0.contains(fragment) }.count
    }

    /// Lines containing `fragment` after the last line containing `marker` (the log keeps order, so
    /// this is what happened after it, however late the test reads the log).
    func count(containing fragment: String, after marker: String) -> Int {
        let all = lines
        let start = all.lastIndex { $0.contains(marker) }.map { $0 + 1 } ?? 0
        return all[start...].filter { $0.contains(fragment) }.count
    }

    /// Waits for a line containing `fragment` after the last line containing `marker`.
    func wait(
        for fragment: String, after marker: String, timeout: Duration = .seconds(45),
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) async -> Bool {
        let before = count(containing: fragment) - count(containing: fragment, after: marker)
        return await wait(for: fragment, count: before + 1, timeout: timeout, fileID: fileID, filePath: filePath, line: line, column: column)
    }

    /// Waits until `count` lines contain `fragment`; on failure, records the output's tail so the
    /// test report shows what happened instead.
    func wait(
        for fragment: String, count: Int = 1, timeout: Duration = .seconds(45),
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) async -> Bool {
        await wait(
            until: { $0.contains(fragment) }, named: "\"\(fragment)\"", count: count, timeout: timeout, fileID: fileID, filePath: filePath,
            line: line, column: column)
    }

    /// A cycle's verdict line, whatever it says: `✓ #N …` or `✗ #N …`.
    static func isVerdict(_ line: String) -> Bool { line.contains("✓ #") || line.contains("✗ #") }

    /// Waits until `count` lines satisfy `matches` (`named` in the failure message).
    func wait(
        until matches: @escaping (String) -> Bool, named: String, count: Int = 1, timeout: Duration = .seconds(45),
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) async -> Bool {
        let waiter = lock.withLock { () -> Waiter? in
            let seen = collected.filter(matches).count
            if seen >= count || isClosed { return nil }
            let waiter = Waiter(matches: matches, needed: count, seen: seen)
            waiters.append(waiter)
            return waiter
        }
        var met = true
        if let waiter {
            let latch = waiter.latch
            let timer = Task {
                try? await Task.sleep(for: timeout)
                latch.fulfill(false)
            }
            met = await waiter.latch.wait() ?? false
            timer.cancel()
        } else {
            met = lines.filter(matches).count >= count
        }
        if !met {
            Issue.record(
                "no \(count)× \(named); output so far:\n\(lines.suffix(60).map { $0.count > 240 ? $0.prefix(240) + "…" : Substring($0) }.joined(separator: "\n"))",
                sourceLocation: SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column))
        }
        return met
    }
}
