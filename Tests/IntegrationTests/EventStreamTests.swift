import AltVDev
import Foundation
import Glibc
import Testing

/// `watch --events FILE`: the loop's events as NDJSON, read back from the file the real binary wrote.
@Suite("watch --events")
struct EventStreamTests {
    /// The events of one kind, in order.
    func named(_ name: String, in events: [[String: Any]]) -> [[String: Any]] {
        events.filter { $0["event"] as? String == name }
    }

    func cycle(_ number: Int, in events: [[String: Any]]) -> [String] {
        events.filter { $0["cycle"] as? Int == number }.compactMap { $0["event"] as? String }
    }

    @Test("a start, a resource restart, a failed stage, a save, a crash, a bad and a good config save")
    func contract() async throws {
        try await withProject { project in
            let (_, url) = try await project.startClient()
            project.writeConfig(
                server: ["on_change": "\"restart-resources\""], watch: ["paths": "[\".\"]", "debounce": "\"300ms\""], reconnectURL: url,
                extra: PipelineTests.stage("check", "test ! -e src/bad", when: ["src/**"]))
            project.write("src/a.ts", "let a = 1\n")
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(await watch.log.wait(for: "✓ client #1: reconnected"))
            let firstPID = try #require(watch.log.serverPID)

            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            project.write("src/bad", "x\n")
            #expect(await watch.log.wait(for: "✗ #3 src/bad"))
            try FileManager.default.removeItem(atPath: project.path("src/bad"))
            #expect(await watch.log.wait(for: "✓ #4 src/bad"))
            #expect(await watch.log.wait(for: "✓ client #4: reconnected"))
            let secondPID = try #require(watch.log.serverPID)
            kill(secondPID, SIGKILL)
            #expect(await watch.log.wait(for: "server killed by SIGKILL after"))
            let good = try String(contentsOfFile: project.path("altv-dev.toml"), encoding: .utf8)
            project.write("altv-dev.toml", good + "\n[watch\n")
            #expect(await watch.log.wait(for: "config not applied"))
            project.write("altv-dev.toml", good.replacingOccurrences(of: "debounce = \"300ms\"", with: "debounce = \"200ms\""))
            #expect(await watch.log.wait(for: "watch.debounce: \"300ms\" → \"200ms\""))
            await project.stopAndExpectNothingLeft(watch)

            let events = project.events()
            #expect(cycle(1, in: events) == ["cycle.started", "stage.started", "stage.finished", "server.started", "server.ready", "cycle.finished", "client.reconnected"])
            #expect(cycle(2, in: events) == ["cycle.started", "resources.restarted", "cycle.finished"])
            #expect(cycle(3, in: events) == ["cycle.started", "stage.started", "stage.finished", "cycle.finished"])
            #expect(cycle(4, in: events) == ["cycle.started", "stage.started", "stage.finished", "server.stopped", "server.started", "server.ready", "cycle.finished", "client.reconnected"])
            // The stream opens with its schema and the watch, closes with how it ended, and is numbered without a gap.
            #expect(events.prefix(2).map { $0["event"] as? String } == ["schema", "watch.started"] && events.first?["version"] as? Int == 1)
            #expect(events[1]["config"] as? String == project.path("altv-dev.toml") && events[1]["platform"] as? String == "altv")
            #expect(events.last?["event"] as? String == "watch.stopped" && events.last?["exit_code"] as? Int == 0)
            #expect(events.map { $0["seq"] as? Int } == Array(1...events.count))

            let started = named("cycle.started", in: events)
            #expect(started.map { $0["trigger"] as? String } == ["start", "change", "change", "change"])
            #expect(started[1]["paths"] as? [String] == ["resources/core/server/index.js"])
            #expect(named("resources.restarted", in: events).first?["resources"] as? [String] == ["core"])
            let stages = named("stage.finished", in: events)
            #expect(stages.map { $0["ok"] as? Bool } == [true, false, true])
            #expect(stages[1]["exit_status"] as? Int == 1)
            let finished = named("cycle.finished", in: events)
            #expect(finished.map { $0["result"] as? String } == ["ok", "ok", "failed", "ok"])
            #expect((finished[2]["reason"] as? String)?.hasPrefix("check failed; the running server keeps running") == true)
            #expect(finished[1]["save_to_ready_ms"] is Int && finished[3]["save_to_ready_ms"] is Int)
            #expect(finished[0]["save_to_ready_ms"] == nil)
            #expect(named("server.stopped", in: events).first?["pid"] as? Int == Int(firstPID))
            let exited = try #require(named("server.exited", in: events).first)
            #expect(exited["pid"] as? Int == Int(secondPID) && exited["signal"] as? String == "SIGKILL" && exited["status"] is NSNull)
            let rejected = try #require(named("config.rejected", in: events).first?["errors"] as? [[String: Any]])
            #expect(rejected.first?["line"] is Int && rejected.first?["column"] is Int)
            #expect(named("config.reloaded", in: events).first?["changed"] as? [String] == ["watch.debounce"])
        }
    }

    @Test("the events file inside a watched folder is never a change")
    func eventsFileIsNotWatched() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["paths": "[\".\"]"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--events", "events.ndjson"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.append("resources/core/server/index.js", "// edit\n")
            // Had the file's own writes counted, cycle #2 would have been one of them.
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            await project.stopAndExpectNothingLeft(watch)
            #expect(watch.log.count(containing: "events.ndjson") == 0)
            let file = project.path("events.ndjson")
            #expect(named("cycle.finished", in: project.events(file: file)).count == 2)
            await project.checkEvents(file: file)
        }
    }

    @Test("a FIFO: lines wait for the reader; a reader that goes away is said once, and the loop goes on")
    func fifo() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let fifo = project.root + ".fifo"
            #expect(mkfifo(fifo, 0o600) == 0)
            defer { unlink(fifo) }
            let watch = try project.launch(["watch", "--events", fifo])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            // Opened only now: what happened before waited for us.
            let text = await Task.detached { () -> String in
                let descriptor = open(fifo, O_RDONLY | O_CLOEXEC)
                defer { close(descriptor) }
                var bytes: [UInt8] = []
                var buffer = [UInt8](repeating: 0, count: 4096)
                while !String(decoding: bytes, as: UTF8.self).contains("\"cycle.finished\"") {
                    let count = read(descriptor, &buffer, buffer.count)
                    guard count > 0 else { break }
                    bytes += buffer[..<count]
                }
                return String(decoding: bytes, as: UTF8.self)
            }.value
            #expect(text.hasPrefix("{\"event\":\"schema\""))
            // The reader is gone: each cycle's events fail to write, said once.
            for save in 2...3 {
                project.append("resources/core/server/index.js", "// edit \(save)\n")
                #expect(await watch.log.wait(for: "✓ #\(save) resources/core/server/index.js"))
            }
            #expect(watch.log.count(containing: "--events \(fifo): its reader closed it") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a full disk (/dev/full) is said once, and the loop goes on")
    func fullDisk() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--events", "/dev/full"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js"))
            #expect(watch.log.count(containing: "--events /dev/full: No space left on device") == 1)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a disk that fills in the middle of a line (a 4 KiB file size limit): the line is cut off again, every line in the file is whole JSON")
    func fullDiskMidLine() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let events = project.path("limited.ndjson")
            let watch = try project.launch(["watch", "--events", events], through: ["/bin/sh", "-c", "ulimit -f 8; exec \"$0\" \"$@\""])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            for round in 1...12 {
                project.append("resources/core/server/index.js", "// edit \(round)\n")
                #expect(await watch.log.wait(for: "✓ #\(round + 1) "))
            }
            #expect(watch.log.count(containing: "--events \(events): File too large") == 1)
            await project.stopAndExpectNothingLeft(watch)
            let text = try String(contentsOfFile: events, encoding: .utf8)
            #expect(text.utf8.count <= 4096 && text.hasSuffix("\n"))
            for line in text.split(separator: "\n") {
                #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "a cut line: \(line)")
            }
        }
    }

    @Test("an events path that cannot be opened: the error names it, and watch does not start")
    func unwritable() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--events", project.path("no/such/folder/events.ndjson")])
            #expect(await watch.waitForExit() == .exited(2))
            #expect(watch.log.count(containing: "--events \(project.path("no/such/folder/events.ndjson")): No such file or directory") == 1)
            #expect(watch.log.serverStarts == 0)
        }
    }
}
