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
