import AltVDev
import Foundation
import Testing

/// Everything a process printed, line by line, with waits for lines that are yet to come.
final class OutputLog: LineHandler, @unchecked Sendable {
    private struct Waiter {
        let predicate: @Sendable ([String]) -> Bool
        let latch: Latch<Bool>
    }

    private let lock = NSLock()
    private var collected: [String] = []
    private var waiters: [Waiter] = []
    private var isClosed = false
    let closed = Latch<Void>()

    func handle(line: UnsafeRawBufferPointer) {
        let text = String(decoding: ANSI.strip(line), as: UTF8.self)
        let ready = lock.withLock { () -> [Waiter] in
            collected.append(text)
            let lines = collected
            let (met, waiting) = waiters.reduce(into: ([Waiter](), [Waiter]())) { result, waiter in
                if waiter.predicate(lines) { result.0.append(waiter) } else { result.1.append(waiter) }
            }
            waiters = waiting
            return met
        }
        for waiter in ready { waiter.latch.fulfill(true) }
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

    /// Waits until `predicate` holds for the lines so far; false on timeout or end of output.
    func wait(timeout: Duration = .seconds(45), until predicate: @escaping @Sendable ([String]) -> Bool) async -> Bool {
        let latch = Latch<Bool>()
        let satisfied = lock.withLock { () -> Bool? in
            if predicate(collected) { return true }
            if isClosed { return false }
            waiters.append(Waiter(predicate: predicate, latch: latch))
            return nil
        }
        if let satisfied { return satisfied }
        let timer = Task {
            try? await Task.sleep(for: timeout)
            latch.fulfill(false)
        }
        defer { timer.cancel() }
        return await latch.wait() ?? false
    }

    /// Waits until `count` lines contain `fragment`; on failure, records the output's tail so the
    /// test report shows what happened instead.
    func wait(
        for fragment: String, count: Int = 1, timeout: Duration = .seconds(45),
        fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column
    ) async -> Bool {
        let met = await wait(timeout: timeout) { lines in lines.filter { $0.contains(fragment) }.count >= count }
        if !met {
            Issue.record("no \(count)× \"\(fragment)\"; output so far:\n\(lines.suffix(60).joined(separator: "\n"))",
                sourceLocation: SourceLocation(fileID: fileID, filePath: filePath, line: line, column: column))
        }
        return met
    }
}
