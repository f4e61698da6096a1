import Glibc
import Testing

@testable import AltVDev

/// The shell against fakes: no process, no inotify; the inputs are fed as the watcher, the
/// signals and the supervisor would feed them.
@Suite("Loop shell against fakes")
struct LoopShellTests {
    static let source = """
        [server]
        command = ["altv-server"]
        ready_timeout = "2s"
        [watch]
        paths = ["resources"]
        debounce = "10ms"
        [reconnect]
        enabled = false
        """

    let log = CallLog()
    let told = WaitingRecorder()

    func shell(readConfig: @escaping @Sendable (Config) -> ConfigReload = { _ in .unchanged }, stopGate: Latch<Void>? = nil) throws
        -> (LoopShell, AsyncStream<LoopShell.Event>.Continuation)
    {
        let config = try ConfigLoader.parse(source: Self.source, file: "/p/altv-dev.toml")
        let server = FakeServer(log: log, next: [FakeInstance(pid: 200), FakeInstance(pid: 201)])
        let ports = LoopShell.Ports(
            server: server, stages: FakeStages(log: log), services: FakeServices(log: log, stopGate: stopGate), client: FakeClient(log: log),
            watcher: FakeWatcher(log: log), readConfig: readConfig, killEverything: { [log] in log.add("kill everything") })
        let (events, sink) = AsyncStream.makeStream(of: LoopShell.Event.self)
        return (LoopShell(config: config, ports: ports, events: events, sink: sink, tell: told.tell), sink)
    }

    static func finished(_ cycle: Int) -> @Sendable (LoopEvent) -> Bool {
        { if case .cycleFinished(cycle, _, _) = $0 { true } else { false } }
    }

    @Test("services, then the first start; a change is its own cycle; a signal stops cycle, server, services and watcher, and run() returns")
    func startChangeStop() async throws {
        let (shell, sink) = try shell()
        let running = Task { await shell.run() }
        #expect(await told.wait(for: Self.finished(1)))
        sink.yield(.input(.server(.started(pid: 200))))
        sink.yield(.input(.filesChanged([FileEvent(path: "/p/resources/a.js", kind: .modified)], duringStages: [])))
        #expect(await told.wait(for: Self.finished(2)))
        sink.yield(.input(.signal(SIGTERM)))
        #expect(await running.value == 0)
        // No stage: the stop begins at the change's first event, and the cycle's stop reports it. Checks stop before the server.
        #expect(log.all == ["services []", "start 200", "begin stop 200", "stop 200", "start 201", "watcher stopped", "services stay down", "stop checks", "stop 201", "services stopped"])
        #expect(told.all.contains(.notice(.process(.serverStoppedAtExit(.milliseconds(30))))))
    }

    @Test("a second signal while stopping kills everything; typed lines reach the console or are said")
    func typedAndKill() async throws {
        let stopping = Latch<Void>()
        let (shell, sink) = try shell(stopGate: stopping)
        let running = Task { await shell.run() }
        #expect(await told.wait(for: Self.finished(1)))
        sink.yield(.input(.command(.server("restart core"))))
        sink.yield(.input(.command(.help)))
        #expect(await told.wait { $0 == .notice(.loop(.help)) })
        sink.yield(.input(.signal(SIGINT)))
        #expect(await told.wait { $0 == .stopping(.signal(SIGINT)) })
        // The rule under test is a time window: the same signal twice within it is one stop.
        try await Task.sleep(for: Timings.repeatedSignal)
        sink.yield(.input(.signal(SIGINT)))
        #expect(await told.wait { $0 == .killingNow(signal: SIGINT) })
        stopping.fulfill(())
        #expect(await running.value == 0)
        #expect(log.all.contains("console restart core"))
        #expect(log.all.contains("kill everything") && log.all.contains("kill now"))
    }

    @Test("a saved config is read once the file is quiet, applied, and its [watch] re-arms the watcher")
    func configReload() async throws {
        let reloaded = try ConfigLoader.parse(source: Self.source.replacingOccurrences(of: "paths = [\"resources\"]", with: "paths = [\"resources\", \"src\"]"), file: "/p/altv-dev.toml")
        let (shell, sink) = try shell { _ in .changed(reloaded, ["watch.paths: [resources] → [resources, src]"]) }
        let running = Task { await shell.run() }
        #expect(await told.wait(for: Self.finished(1)))
        sink.yield(.input(.configFileChanged(.modified)))
        #expect(await told.wait { if case .configReloaded = $0 { true } else { false } })
        #expect(await shell.config.watch.paths.count == 2)
        sink.yield(.input(.signal(SIGTERM)))
        #expect(await running.value == 0)
        #expect(log.all.contains("rearm 2"))
        // Only [watch] changed: no restart of the server, no new service set.
        #expect(log.all.filter { $0.hasPrefix("start") } == ["start 200"])
    }
}
