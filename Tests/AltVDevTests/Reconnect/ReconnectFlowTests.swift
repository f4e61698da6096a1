import Testing

@testable import AltVDev

@Suite("Reconnect flow against a fake client")
struct ReconnectFlowTests {
    func flow(_ endpoint: FakeDebugEndpoint, clock: ImmediateClock, password: String? = "hunter2") -> ReconnectFlow<ImmediateClock> {
        ReconnectFlow(
            endpoint: endpoint, password: password.map(Secret.init), retryInterval: .milliseconds(2500), timeout: .seconds(60),
            clock: clock)
    }

    @Test("MAIN_MENU at once: one GET, one POST with the password")
    func immediate() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(.mainMenu)])
        let clock = ImmediateClock()
        let outcome = await flow(endpoint, clock: clock).run()
        #expect(outcome == .reconnected(from: .mainMenu, after: .zero))
        #expect(endpoint.requests == ["GET /status", "POST /reconnect"])
        #expect(endpoint.passwords == ["hunter2"])
        #expect(clock.sleeps.isEmpty)
    }

    @Test("polls every retry_interval until IN_GAME, reporting each new status once")
    func waitsForState() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(.loading), .success(.loading), .success(.connecting), .success(.inGame)])
        let clock = ImmediateClock()
        var progress: [ReconnectFlow<ImmediateClock>.Progress] = []
        let outcome = await flow(endpoint, clock: clock).run { progress.append($0) }
        #expect(outcome == .reconnected(from: .inGame, after: .milliseconds(7500)))
        #expect(clock.sleeps == [.milliseconds(2500), .milliseconds(2500), .milliseconds(2500)])
        #expect(progress == [.waiting(.loading), .waiting(.connecting), .sendingReconnect(.inGame)])
    }

    @Test("requests that take time: tried until the timeout itself, the last wait cut to it (--timeout 5s gave up at 2.6 s)")
    func triesUntilTheTimeout() async {
        let endpoint = FakeDebugEndpoint(statuses: [.failure(.unreachable("connection refused"))])
        let clock = ImmediateClock()
        endpoint.requestTime = (clock, .milliseconds(100))
        let flow = ReconnectFlow(endpoint: endpoint, password: nil, retryInterval: .milliseconds(2500), timeout: .seconds(5), clock: clock)
        guard case .gaveUp = await flow.run() else {
            Issue.record("expected to give up")
            return
        }
        // Asked at 0, 2.6 s and 5 s: the last wait is 2.3 s, to the timeout, not skipped.
        #expect(clock.sleeps == [.milliseconds(2500), .milliseconds(2300)])
        #expect(endpoint.requests.count == 3 && clock.now.offset >= .seconds(5))
    }

    @Test("an unreachable client is reported once, then the flow gives up at the timeout")
    func unreachable() async {
        let endpoint = FakeDebugEndpoint(statuses: [.failure(.unreachable("Couldn't connect to server"))])
        let clock = ImmediateClock()
        var progress: [ReconnectFlow<ImmediateClock>.Progress] = []
        let outcome = await flow(endpoint, clock: clock).run { progress.append($0) }
        guard case .gaveUp(let last) = outcome else {
            Issue.record("expected to give up, got \(outcome)")
            return
        }
        #expect(last.contains("not reachable"))
        #expect(progress.count == 1)
        #expect(clock.now.offset <= .seconds(60))
        #expect(endpoint.requests.filter { $0 == "POST /reconnect" }.isEmpty)
        // t = 0, 2.5 s, … 60 s: 25 polls, the last one exactly at the timeout.
        #expect(endpoint.requests.count == 25)
    }

    @Test("an answer that is no alt:V status ends the flow at once, without a POST")
    func notAClient() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(ClientStatus("<html>502</html>"))])
        let clock = ImmediateClock()
        let outcome = await flow(endpoint, clock: clock).run()
        #expect(outcome == .notAClient("an HTML page (\"502\")"))
        #expect(clock.sleeps.isEmpty)
        #expect(endpoint.requests == ["GET /status"])
    }

    @Test("what the client says is masked before anyone prints it")
    func clientWordsMasked() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(.mainMenu)], reconnect: .failure(.httpStatus(401, "wrong password hunter22")))
        let outcome = await flow(endpoint, clock: ImmediateClock(), password: "hunter22").run()
        #expect(outcome == .rejected(.httpStatus(401, "wrong password ********")))
    }

    @Test("a client that appears later is reconnected")
    func appearsLater() async {
        let endpoint = FakeDebugEndpoint(statuses: [.failure(.unreachable("refused")), .failure(.timedOut), .success(.mainMenu)])
        let outcome = await flow(endpoint, clock: ImmediateClock(), password: nil).run()
        #expect(outcome == .reconnected(from: .mainMenu, after: .seconds(5)))
        #expect(endpoint.passwords == [nil])
    }

    @Test("a rejected POST is reported, not retried")
    func rejected() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(.mainMenu)], reconnect: .failure(.httpStatus(401, "")))
        let outcome = await flow(endpoint, clock: ImmediateClock()).run()
        #expect(outcome == .rejected(.httpStatus(401, "")))
        #expect(endpoint.requests == ["GET /status", "POST /reconnect"])
    }

    @Test("/status answered with an HTTP error (a 404 page): not an alt:V client, at once, not retried until the timeout")
    func statusHTTPError() async {
        let endpoint = FakeDebugEndpoint(statuses: [.failure(.httpStatus(404, "<html><title>404 Not Found</title></html>"))])
        let clock = ImmediateClock()
        let outcome = await flow(endpoint, clock: clock).run()
        #expect(outcome == .notAClient("HTTP 404: an HTML page (\"404 Not Found\")"))
        #expect(endpoint.requests == ["GET /status"] && clock.sleeps.isEmpty)
    }

    @Test("cancelling the task ends the flow")
    func cancelled() async {
        let endpoint = FakeDebugEndpoint(statuses: [.success(.loading)])
        let task = Task { await flow(endpoint, clock: ImmediateClock()).run() }
        task.cancel()
        #expect(await task.value == .cancelled)
    }

    @Test("status answers are parsed, unknown ones kept")
    func statusParsing() {
        #expect(ClientStatus("MAIN_MENU\n") == .mainMenu)
        #expect(ClientStatus("IN_GAME") == .inGame)
        #expect(ClientStatus("DOWNLOADING_FILES").acceptsReconnect == false)
        #expect(ClientStatus("<html>") == .unknown("<html>"))
        #expect(ClientStatus("<html><head><title>404 Not Found</title></head><body><h1>Not Found</h1></body></html>").description == "an HTML page (\"404 Not Found Not Found\")")
        #expect(ClientStatus("nope\u{1B}[2J").description == "\"nope\\x1b[2J\"")
    }
}
