import Foundation
import Glibc
import Synchronization
import Testing

@testable import AltVDev

/// The supervisor against real processes: what it reports, and its stops.
@Suite("Server supervisor")
struct ServerSupervisorTests {
    final class Reports: Sendable {
        let all = Mutex<[ServerReport]>([])
        let stopped = Latch<Void>()
        func add(_ report: ServerReport) {
            all.withLock { $0.append(report) }
            if case .stopped = report { stopped.fulfill(()) }
        }
        var kinds: [String] {
            all.withLock {
                $0.map {
                    switch $0 {
                    case .started: "started"
                    case .ready: "ready"
                    case .stopping: "stopping"
                    case .exited: "exited"
                    case .stopped: "stopped"
                    case .diagnostic: "diagnostic"
                    }
                }
            }
        }
    }

    static func settings() -> ServerSettings {
        ServerSettings(
            command: .shell("echo 'Server started'; exec sleep 30"), cwd: "/tmp", env: [:], ready: "Server started",
            readyTimeout: .seconds(30), stopSignal: StopSignal(name: "SIGTERM")!, stopTimeout: .seconds(5), onCrash: .wait, port: 0,
            output: .pipe)
    }

    @Test("an early stop is reported by the one stop() that claims it; a late early stop for an old pid stops nothing")
    func earlyStopClaimedOnce() async throws {
        let reports = Reports()
        let supervisor = ServerSupervisor(console: Console(descriptor: -1), guardian: nil, environment: [:], emit: { _ in }, reports: reports.add)
        let first = try await supervisor.start(settings: Self.settings(), hiding: [])
        #expect(await first.waitForReadyLine())
        await supervisor.beginStop(pid: first.pid)
        _ = await reports.stopped.wait(timeout: .seconds(30))
        let claimed = await supervisor.stop()
        #expect(claimed?.pid == first.pid)
        #expect(await supervisor.stop() == nil, "the same stop is reported once")

        let second = try await supervisor.start(settings: Self.settings(), hiding: [])
        #expect(await second.waitForReadyLine())
        await supervisor.beginStop(pid: first.pid)
        #expect(await supervisor.current?.pid == second.pid)
        #expect(second.exitStatus == nil)
        #expect(await supervisor.stop()?.pid == second.pid)
        let kinds = reports.kinds
        #expect(kinds.filter { $0 == "started" }.count == 2)
        #expect(kinds.filter { $0 == "stopping" }.count == 2)
        #expect(kinds.filter { $0 == "stopped" }.count == 2)
    }

    /// A server that answers its console as FXServer does (shared/fivem/README.md §3): `ensure other`
    /// stops its dependent too and starts only other again.
    static let fxServer = """
        echo '[           resources] Started resource other'
        echo '[           resources] Started resource dependent'
        echo 'ready marker'
        while read -r line; do
          case "$line" in
            "ensure other") echo '[           resources] Stopping resource dependent'; echo '[           resources] Stopping resource other'
              echo '[           resources] Started resource other' ;;
            "ensure dependent") echo '[           resources] Started resource dependent' ;;
            quit*) exit 0 ;;
          esac
        done
        """

    @Test("FXServer leaves a restarted resource's dependents stopped: each is ensured again, in one restart")
    func fxServerDependentsEnsured() async throws {
        let typed = Mutex<[String]>([])
        let supervisor = ServerSupervisor(
            console: Console(descriptor: -1), guardian: nil, environment: [:],
            emit: { event in if case .notice(.process(.consoleCommandTyped(let line))) = event { typed.withLock { $0.append(line) } } },
            reports: { _ in })
        var settings = Self.settings()
        // The platform adds `+ensure altv-dev-ready` to the command: here the shell's $1 and $2.
        (settings.command, settings.ready, settings.platform) = (.arguments(["/bin/sh", "-c", Self.fxServer, "fxserver"]), "ready marker", .fivem)
        settings.resourcesDir = FileManager.default.temporaryDirectory.appendingPathComponent("fx-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: settings.resourcesDir) }
        let server = try await supervisor.start(settings: settings, hiding: [])
        #expect(await server.waitForReadyLine())
        let outcome = await supervisor.restartResources(["other"], graph: ResourceGraph(deps: ["dependent": ["other"]]), timeout: .seconds(20))
        #expect(outcome == .restarted(["other", "dependent"]))
        _ = await supervisor.stop()
        // (`refresh` first: no folder of these resources is there, as for a resource just made.)
        #expect(typed.withLock { $0 } == ["refresh", "ensure other", "ensure dependent", "quit \"stopped by altv-dev\""])
    }
}
