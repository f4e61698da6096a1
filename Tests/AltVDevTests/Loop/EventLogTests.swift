import Foundation
import Glibc
import Testing

@testable import AltVDev

@Suite("Event log")
struct EventLogTests {
    @Test("the final flush is bounded: a FIFO reader that stopped reading does not hang the exit, and is warned about")
    func flushBounded() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("altv-dev-eventlog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let fifo = folder + "/events"
        #expect(mkfifo(fifo, 0o600) == 0)
        // A reader that is there but reads nothing.
        let reader = open(fifo, O_RDONLY | O_NONBLOCK)
        #expect(reader >= 0)
        defer { close(reader) }
        let warnings = CallLog()
        let log = try EventLog(path: fifo, directory: folder, redactor: { Redactor(secrets: []) }, warn: { warnings.add($0) })
        // Well past the pipe's 64 KiB.
        for cycle in 0..<4000 { log.record(.serverStarted(cycle: cycle, pid: 4242)) }
        #expect(!log.flush(within: .milliseconds(200)))
        #expect(warnings.all.contains { $0.contains("its reader stopped reading") })
        // Once the reader reads again, everything is written.
        var buffer = [UInt8](repeating: 0, count: 65536)
        var lines = 0
        // The schema line first, then the 4000.
        while !log.flush(within: .milliseconds(20)) || lines < 4001 {
            let count = read(reader, &buffer, buffer.count)
            if count > 0 { lines += buffer.prefix(count).filter { $0 == 0x0A }.count }
        }
        #expect(lines == 4001)
    }

    @Test("an events path that is a symbolic link is refused, naming where it points")
    func symlinkRefused() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("altv-dev-eventlog-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createSymbolicLink(atPath: folder + "/events", withDestinationPath: folder + "/elsewhere.ndjson")
        do {
            _ = try EventLog(path: folder + "/events", directory: folder, redactor: { Redactor(secrets: []) }, warn: { _ in })
            Issue.record("a link was opened")
        } catch {
            #expect("\(error)" == "--events \(folder)/events: is a symbolic link to \(folder)/elsewhere.ndjson; fix: pass that path itself, if the events are meant to go there")
        }
        #expect(!FileManager.default.fileExists(atPath: folder + "/elsewhere.ndjson"))
    }
}
