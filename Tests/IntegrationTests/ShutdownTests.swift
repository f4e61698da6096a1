import AltVDev
import Foundation
import Glibc
import Testing

@Suite("Stopping altv-dev leaves nothing running")
struct ShutdownTests {
    @Test("SIGINT, SIGTERM and SIGHUP stop the server and exit", arguments: [SIGINT, SIGTERM, SIGHUP])
    func politeSignals(_ signal: Int32) async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--spawn-child"], server: ["stop_timeout": "\"500ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(project.survivors().count >= 4)  // altv-dev, guardian, server, its child (and sleep)
            watch.signal(signal)
            #expect(await watch.waitForExit() == .exited(0))
            #expect(watch.log.count(containing: "\(SignalName.of(signal)) received: stopping the server") == 1)
            #expect(project.survivors() == [])
        }
    }

    @Test("the same SIGTERM twice at once (a supervisor's `timeout` signals the child and its group) is one graceful stop")
    func repeatedSignalIsOne() async throws {
        try await withProject { project in
            project.writeConfig(server: ["stop_timeout": "\"2s\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            watch.signal(SIGTERM)
            watch.signal(SIGTERM)
            #expect(await watch.waitForExit() == .exited(0))
            #expect(watch.log.count(containing: "again: killing") == 0)
            #expect(watch.log.count(containing: "Server shutdown") == 1)
            #expect(await project.waitForNoSurvivors() == [])
        }
    }

    @Test("a second Ctrl+C kills a stage and a service that ignore their stop signal at once, not after stop_timeout")
    func secondInterrupt() async throws {
        try await withProject { project in
            let stubborn = "trap '' TERM INT; echo $0-up; while true; do sleep 0.2; done"
            project.writeConfig(
                server: ["stop_timeout": "\"10m\""], reconnect: ["enabled": "false"],
                extra: """
                    [[service]]
                    name = "svc"
                    command = ["sh", "-c", "\(stubborn)", "svc"]
                    ready = "svc-up"

                    [[stage]]
                    name = "slow"
                    command = ["sh", "-c", "\(stubborn)", "slow"]
                    """)
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "[slow] slow-up"))
            watch.signal(SIGINT)
            #expect(await watch.log.wait(for: "SIGINT received: stopping the server"))
            // A person's second press, not the same signal twice at once (that is one: see below).
            try await Task.sleep(for: CycleScheduler.repeatedSignal * 2)
            watch.signal(SIGINT)
            #expect(await watch.log.wait(for: "SIGINT again: killing the server, services and stages now"))
            // Without the second Ctrl+C this takes stop_timeout (10 minutes) per process.
            #expect(await watch.waitForExit(timeout: .seconds(60)) == .exited(0))
            #expect(watch.log.count(containing: "stage slow stopped: altv-dev is stopping") == 1)
            #expect(watch.log.count(containing: "a newer change set came in") == 0)
            // The service killed at the second press is not going to be restarted: nothing says it is.
            #expect(watch.log.count(containing: "restarting service svc") == 0)
            #expect(await project.waitForNoSurvivors() == [])
        }
    }

    /// The server's command, starting a child in a session of its own first (as node's `detached: true` does).
    static func serverStarting(_ detached: String) -> String {
        let command = ["sh", "-c", "setsid \(detached) & exec \"$0\" \"$@\"", Binary.path, "sim", "server", "--startup-delay", "50ms"]
        return "[" + command.map { "\"\($0.replacingOccurrences(of: "\"", with: "\\\""))\"" }.joined(separator: ", ") + "]"
    }

    /// This project's living processes whose command line holds `needle`, as they go.
    func living(_ needle: String, in project: TestProject, count: Int, timeout: Duration = .seconds(10)) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while true {
            let found = project.survivors().filter { pid in
                (ProcFile.read("/proc/\(pid)/cmdline") ?? []).split(separator: 0).map { String(decoding: $0, as: UTF8.self) }.joined(separator: " ").contains(needle)
            }
            if found.count == count { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: .milliseconds(20))
        }
    }

    @Test("what the server and a stage start in sessions of their own ends with them: at the stage's end, at a restart, at exit")
    func detachedDescendants() async throws {
        try await withProject { project in
            project.writeConfig(
                server: ["command": Self.serverStarting("sleep 1001")], reconnect: ["enabled": "false"],
                extra: PipelineTests.stage("spawner", "setsid sleep 1002 & echo spawned"))
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1 start"))
            // The stage has ended: what it left in a session of its own went with it.
            #expect(await living("sleep 1002", in: project, count: 0))
            #expect(await living("sleep 1001", in: project, count: 1))
            project.append("resources/core/server/index.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 "))
            // The old server's went with it; the new server's lives.
            #expect(await living("sleep 1001", in: project, count: 1))
            #expect(await living("sleep 1002", in: project, count: 0))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test("SIGKILL to altv-dev: the guardian ends what the server started in a session of its own too")
    func detachedAfterSigkill() async throws {
        try await withProject { project in
            project.writeConfig(server: ["command": Self.serverStarting("sleep 1003")], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(await living("sleep 1003", in: project, count: 1))
            watch.signal(SIGKILL)
            #expect(await watch.waitForExit() == .signaled(SIGKILL))
            #expect(await project.waitForNoSurvivors() == [])
        }
    }

    @Test("SIGKILL to altv-dev still takes the server's whole group down")
    func sigkill() async throws {
        try await withProject { project in
            project.writeConfig(serverFlags: ["--spawn-child"], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"])
            #expect(await watch.log.wait(for: "✓ #1"))
            #expect(await watch.log.wait(for: "Started helper process"))
            watch.signal(SIGKILL)
            #expect(await watch.waitForExit() == .signaled(SIGKILL))
            #expect(await project.waitForNoSurvivors() == [])
        }
    }
}
