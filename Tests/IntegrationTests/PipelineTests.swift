import AltVDev
import Foundation
import Glibc
import Testing

/// `[[stage]]`, `on_busy` and the stages' environment, on the real binary and the simulated server.
@Suite("Pipeline: stages")
struct PipelineTests {
    /// A `[[stage]]` table; `command` is a /bin/sh line.
    static func stage(_ name: String, _ command: String, when: [String]? = nil, outputs: [String] = [], extra: String = "") -> String {
        var text = "[[stage]]\nname = \"\(name)\"\ncommand = '''\(command)'''\n"
        if let when { text += "when = [" + when.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n" }
        if !outputs.isEmpty { text += "outputs = [" + outputs.map { "\"\($0)\"" }.joined(separator: ", ") + "]\n" }
        return text + extra + "\n"
    }

    @Test("stages run when their `when` matches, with ALTV_DEV_CHANGED and ALTV_DEV_RESOURCES")
    func selectionAndEnvironment() async throws {
        try await withProject { project in
            let report = #"echo "$0 changed=[$(printf '%s' "$ALTV_DEV_CHANGED" | tr '\n' ',')] resources=[$ALTV_DEV_RESOURCES]""#
            // Two saves below must land in one burst even on a loaded machine: a 1 s quiet period.
            project.writeConfig(
                watch: ["debounce": "\"1s\""], reconnect: ["enabled": "false"],
                extra: Self.stage("core-build", report.replacingOccurrences(of: "$0", with: "core-build"), when: ["resources/core/**"])
                    + Self.stage("chat-build", report.replacingOccurrences(of: "$0", with: "chat-build"), when: ["resources/chat/**/*.js"]))
            let watch = try project.launch(["watch"])
            // The first start runs every stage, with nothing changed.
            #expect(await watch.log.wait(for: "✓ #1 start · core-build "))
            #expect(watch.log.count(containing: "[chat-build] chat-build changed=[] resources=[]") == 1)

            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · core-build "))
            #expect(watch.log.count(containing: "[core-build] core-build changed=[resources/core/server/index.js] resources=[core]") == 1)
            #expect(watch.log.count(containing: "[chat-build]") == 1)

            project.append("resources/chat/server/index.js", "// edit\n")
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #3"))
            let cycle = watch.log.lines.first { $0.contains("✓ #3") } ?? ""
            #expect(cycle.contains("core-build") && cycle.contains("chat-build"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("stages run one at a time in order; parallel = true runs beside the stage before it")
    func orderAndParallel() async throws {
        try await withProject { project in
            // `second` proves `first` finished; `waiter` proves `helper` ran at the same time (else it times out).
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: Self.stage("first", "echo first-done > first.txt")
                    + Self.stage("second", "test -f first.txt && echo saw-first && rm first.txt")
                    + Self.stage("waiter", "for i in $(seq 1 200); do test -f helper.txt && echo saw-helper && rm helper.txt && exit 0; sleep 0.02; done; exit 1")
                    + Self.stage("helper", "echo > helper.txt", extra: "parallel = true"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · first "))
            #expect(watch.log.count(containing: "[second] saw-first") == 1)
            #expect(watch.log.count(containing: "[waiter] saw-helper") == 1)
            let cycle = watch.log.lines.first { $0.contains("✓ #1") } ?? ""
            let order = ["first", "second", "waiter", "helper"].compactMap { cycle.range(of: " \($0) ")?.lowerBound }
            // Written in order, and reported in it: a batch's stages in the order they are written.
            #expect(order.count == 4 && order == order.sorted(), "\(cycle)")
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("parallel stages end each on its own: the fast one's stage.finished comes first, with its own time (esbuild beside a slow tsc)")
    func parallelStagesEndOnTheirOwn() async throws {
        try await withProject { project in
            // `slow` ends only once the fast one's event is in the file: ordered by the event, not by a sleep;
            // then it works 300 ms more, so its time is its own and plainly longer (it may start after fast).
            let slow = "while ! grep -q '\"event\":\"stage.finished\".*\"stage\":\"fast\"' '\(project.eventsFile)' 2>/dev/null; do sleep 0.02; done; sleep 0.3; echo slow-done"
            project.writeConfig(reconnect: ["enabled": "false"], extra: Self.stage("fast", "echo fast-done") + Self.stage("slow", slow, extra: "parallel = true"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · fast "))
            let facts = await project.stopAndReadEvents(watch)
            let stages = facts.named("stage.finished")
            #expect(stages.compactMap { $0["stage"] as? String } == ["fast", "slow"])
            let (fast, slowTime) = (stages.first?["duration_ms"] as? Int ?? .max, stages.last?["duration_ms"] as? Int ?? 0)
            #expect(fast <= slowTime, "fast \(fast) ms, slow \(slowTime) ms")
        }
    }

    @Test("a stage that writes into the watched folders without outputs: the loop is stopped after three cycles and named")
    func selfRestartingBuild() async throws {
        try await withProject { project in
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: Self.stage("build", "date +%s%N >> resources/core/server/generated.js"))
            let watch = try project.launch(["watch"])
            let loop = "stopped a loop: the last 3 cycles were started only by files that stage build wrote (resources/core/server/generated.js)"
            #expect(await watch.log.wait(for: loop))
            #expect(watch.log.count(containing: "outputs = [\"resources/core/server/**\"]") == 1)
            // The cycle in flight ends; the build's write after it started none. (Cycles superseded by the next write print no ✓.)
            #expect(await watch.log.wait(for: "✓ #"))
            // Cycles started; a write during the server's start is first said as queued behind it.
            let started = { watch.log.lines.filter { $0.hasPrefix("[altv-dev] change: ") && !$0.contains("→ queued until") } }
            #expect(started().filter { $0.contains("change: resources/core/server/generated.js") }.count == 3)
            // A real edit runs the build again; it loops again and is stopped again after three.
            project.append("resources/chat/server/index.js", "// a real edit\n")
            #expect(await watch.log.wait(for: loop, count: 2))
            #expect(await watch.log.wait(for: "✓ #", count: 2))
            // The real edit's cycle, then three more started by the build (each merged with the edit while superseded).
            #expect(started().count == 3 + 1 + 3)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a file whose name is not UTF-8 reaches stages as its bytes, the terminal as \\xe9, the events with its bytes beside")
    func nameNotUTF8() async throws {
        try await withProject { project in
            let hex = #"echo "hex=$(printf '%s' "$ALTV_DEV_CHANGED" | od -An -tx1 | tr -d ' \n')""#
            project.writeConfig(reconnect: ["enabled": "false"], extra: Self.stage("names", hex))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            // caf\xE9.js, as a Latin-1 archive or Windows share would name it.
            let name: [UInt8] = Array(project.path("resources/core/caf").utf8) + [0xE9] + Array(".js".utf8)
            let descriptor = (name + [0]).withUnsafeBufferPointer { $0.withMemoryRebound(to: CChar.self) { open($0.baseAddress!, O_WRONLY | O_CREAT, 0o644) } }
            #expect(descriptor >= 0)
            close(descriptor)
            #expect(await watch.log.wait(for: "✓ #2 resources/core/caf\\xe9.js"))
            let relative: [UInt8] = Array("resources/core/caf".utf8) + [0xE9] + Array(".js".utf8)
            #expect(watch.log.text.contains("[names] hex=" + relative.map { String(format: "%02x", $0) }.joined()))
            #expect(!watch.log.text.contains("\u{FFFD}"))
            let facts = await project.stopAndReadEvents(watch)
            let started = try #require(facts.named("cycle.started").last)
            #expect(started["paths"] as? [String] == ["resources/core/caf\\xe9.js"])
            #expect(started["paths_bytes"] as? [String] == [Data(relative).base64EncodedString()])
            #expect(facts.named("cycle.started").first?["paths_bytes"] == nil)
        }
    }

    @Test("a failing stage ends the cycle: its status and output are shown once, the same server keeps running")
    func failureKeepsServer() async throws {
        try await withProject { project in
            project.writeConfig(
                reconnect: ["enabled": "false"],
                extra: Self.stage("compile", "if test -f resources/chat/broken.js; then echo 'chat/broken.js(1,1): error TS1005'; exit 3; fi; echo compiled"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            let pid = try #require(watch.log.serverPID)

            project.write("resources/chat/broken.js", "oops(\n")
            #expect(await watch.log.wait(for: "✗ #2 resources/chat/broken.js · compile failed; the running server keeps running"))
            #expect(watch.log.count(containing: "stage compile exited with status 3") == 1)
            // Its output is right above its verdict: shown once, not quoted again.
            #expect(watch.log.showsFailureOnce("chat/broken.js(1,1): error TS1005", of: "compile", verdict: "stage compile exited with status 3"))
            #expect(watch.log.count(containing: "chat/broken.js(1,1): error TS1005") == 1)
            #expect(kill(pid, 0) == 0)
            #expect(watch.log.serverStarts == 1)

            // The fix runs the stage again, this time on to a restart.
            try FileManager.default.removeItem(atPath: project.path("resources/chat/broken.js"))
            #expect(await watch.log.wait(for: "✓ #3"))
            #expect(watch.log.serverStarts == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("a stage's writes into its outputs start no cycle; a real edit still does")
    func outputsDoNotLoop() async throws {
        try await withProject { project in
            project.write("src/core.ts", "export {}\n")
            project.writeConfig(
                watch: ["paths": "[\"src\", \"resources\"]"], reconnect: ["enabled": "false"],
                extra: Self.stage(
                    "build", "mkdir -p resources/core/gen && for i in 1 2 3; do date +%s%N > resources/core/gen/out$i.js; done",
                    when: ["src/**"], outputs: ["resources/core/gen/**"]))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start · build "))
            project.append("src/core.ts", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 src/core.ts · build "))
            // Had the build's writes counted, #3 would name resources/core/gen; a real edit is #3 instead.
            project.append("resources/chat/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/chat/server/index.js"))
            #expect(watch.log.count(containing: "change: ") == 2)
            #expect(watch.log.count(containing: "resources/core/gen") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// A stage that, for a change set, announces itself and waits for `release` to exist.
    static let slowStage = stage(
        "slow",
        #"""
        if test -z "$ALTV_DEV_CHANGED"; then exit 0; fi
        echo "slow started for [$(printf '%s' "$ALTV_DEV_CHANGED" | tr '\n' ',')]"
        while ! test -f release; do sleep 0.02; done
        echo slow-done
        """#)

    @Test("on_busy = restart: a change mid-stage stops it and starts over with both change sets")
    func busyRestart() async throws {
        try await withProject { project in
            project.writeConfig(reconnect: ["enabled": "false"], extra: Self.slowStage)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.append("resources/core/server/index.js", "// one\n")
            #expect(await watch.log.wait(for: "slow started for [resources/core/server/index.js]"))
            project.append("resources/chat/server/index.js", "// two\n")
            #expect(await watch.log.wait(for: "stage slow stopped: a newer change set came in"))
            // The superseded cycle's number is said once, not skipped in silence.
            #expect(await watch.log.wait(for: "[altv-dev] #2 stopped: a newer change set came in"))
            #expect(await watch.log.wait(for: "slow started for [resources/core/server/index.js,resources/chat/server/index.js]"))
            project.write("release", "")
            #expect(await watch.log.wait(for: "✓ #3 resources/core/server/index.js (+1 more) · slow "))
            #expect(watch.log.count(containing: "slow-done") == 1)
            #expect(watch.log.serverStarts == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("on_busy = queue: a change mid-cycle waits, then runs on its own")
    func busyQueue() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["on_busy": "\"queue\""], reconnect: ["enabled": "false"], extra: Self.slowStage)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            project.append("resources/core/server/index.js", "// one\n")
            #expect(await watch.log.wait(for: "slow started for [resources/core/server/index.js]"))
            project.append("resources/chat/server/index.js", "// two\n")
            #expect(await watch.log.wait(for: "→ queued until cycle #2 ends (on_busy = \"queue\")"))
            project.write("release", "")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/server/index.js · slow "))
            #expect(await watch.log.wait(for: "✓ #3 resources/chat/server/index.js · slow "))
            #expect(watch.log.count(containing: "slow-done") == 2)
            #expect(watch.log.count(containing: "stopped: a newer change set") == 0)
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}

extension OutputLog {
    /// The simulated server prints its pid as `Main thread started (ThreadId: <pid>)`.
    var serverPID: pid_t? {
        guard let line = lines.last(where: { $0.contains("Main thread started (ThreadId: ") }) else { return nil }
        return pid_t(line.split(separator: " ").last?.dropLast() ?? "")
    }
}
