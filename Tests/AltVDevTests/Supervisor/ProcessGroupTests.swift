import Foundation
import Glibc
import Testing

@testable import AltVDev

/// Collects lines from an output pump, for tests.
final class CollectedLines: LineHandler, @unchecked Sendable {
    private let lock = NSLock()
    private var collected: [[UInt8]] = []
    let done = Latch<Void>()
    let firstLine = Latch<Void>()
    func handle(line: UnsafeRawBufferPointer) {
        lock.withLock { collected.append(Array(line)) }
        firstLine.fulfill(())
    }
    func endOfChunk() {}
    func finished() { done.fulfill(()) }
    var lines: [[UInt8]] { lock.withLock { collected } }
}

@Suite("Processes, groups and teardown")
struct ProcessGroupTests {
    @Test("a group whose members ignore the stop signal is killed after the timeout")
    func escalates() async throws {
        // Long sleeps: on a loaded machine the teardown's 200 ms can stretch to many seconds, and a
        // group that ended by itself meanwhile would look as if it had stopped on the signal.
        let child = try ChildProcess(.init(argv: ["/bin/sh", "-c", "trap '' TERM; sleep 300 & echo ready; sleep 300; wait"]))
        let lines = CollectedLines()
        OutputPump.start(descriptor: child.outputDescriptor, name: "test", handler: lines)
        _ = await lines.firstLine.wait()
        #expect(child.groupAlive)
        let report = await Teardown.graceful(signal: SIGTERM, timeout: .milliseconds(200)).run(on: child.processGroup)
        #expect(report.escalated)
        #expect(!report.survivors)
        #expect(!child.groupAlive)
        #expect(await child.exit.wait(until: .now + .seconds(60)) == .signaled(SIGKILL))
    }

    @Test("a polite group stops on the signal alone")
    func graceful() async throws {
        let child = try ChildProcess(.init(argv: ["/bin/sh", "-c", "sleep 30 & wait"]))
        let report = await Teardown.graceful(signal: SIGTERM, timeout: .seconds(10)).run(on: child.processGroup)
        #expect(!report.escalated)
        #expect(!child.groupAlive)
    }

    @Test("output is split into lines; a line without end is cut at the limit, not held")
    func longLines() async throws {
        let size = OutputPump.maximumLineLength * 3 + 10
        let child = try ChildProcess(.init(argv: ["/bin/sh", "-c", "printf 'a\\r\\nb\\n'; head -c \(size) /dev/zero | tr '\\\\0' x; printf '\\nlast'"]))
        let lines = CollectedLines()
        OutputPump.start(descriptor: child.outputDescriptor, name: "test", handler: lines)
        _ = await lines.done.wait()
        let collected = lines.lines
        #expect(collected.first == Array("a".utf8))
        #expect(collected.dropFirst().first == Array("b".utf8))
        #expect(collected.last == Array("last".utf8))
        let long = collected.dropFirst(2).dropLast()
        #expect(long.reduce(0) { $0 + $1.count } == size)
        #expect(long.allSatisfy { $0.count <= OutputPump.maximumLineLength * 2 })
    }

    @Test("a program that does not exist is a clear error")
    func missingProgram() {
        #expect(throws: SpawnError.self) { try ChildProcess(.init(argv: ["./no-such-altv-server"], cwd: "/tmp")) }
        do {
            _ = try ChildProcess(.init(argv: ["./no-such-altv-server"], cwd: "/tmp"))
        } catch {
            #expect("\(error)".contains("cannot start ./no-such-altv-server: No such file or directory (in /tmp)"))
        }
    }
}

@Suite("Latch")
struct LatchTests {
    @Test("a wait with a deadline returns the value, or nil once the deadline passes")
    func deadline() async {
        let latch = Latch<Int>()
        #expect(await latch.wait(timeout: .milliseconds(20)) == nil)
        Task { latch.fulfill(7) }
        #expect(await latch.wait(timeout: .seconds(30)) == 7)
        #expect(await latch.wait(timeout: .zero) == 7)
        #expect(!latch.fulfill(8))
    }
}
