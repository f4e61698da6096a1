import Testing

@testable import AltVDev

@Suite("Following the join after POST /reconnect")
struct JoinFollowTests {
    func follow(_ statuses: [Result<ClientStatus, EndpointError>], before: ClientStatus = .mainMenu, clock: ImmediateClock = ImmediateClock())
        async -> JoinFollow<ImmediateClock>.Outcome
    {
        await JoinFollow(
            endpoint: FakeDebugEndpoint(statuses: statuses), before: before, interval: .milliseconds(100), timeout: .seconds(10), clock: clock,
            redactor: Redactor(secrets: ["hunter2"])
        ).run()
    }

    @Test("MAIN_MENU → CONNECTING → DOWNLOADING_FILES → IN_GAME: joined")
    func joined() async {
        let outcome = await follow([.success(.mainMenu), .success(.connecting), .success(.downloadingFiles), .success(.inGame)])
        #expect(outcome == .joined(after: .milliseconds(400)))
    }

    @Test("back in MAIN_MENU after leaving it: the server refused the client (a wrong password), said as such")
    func refused() async {
        guard case .notJoined(let reason) = await follow([.success(.connecting), .success(.mainMenu)]) else {
            Issue.record("joined")
            return
        }
        #expect("\(reason)".contains("went back to MAIN_MENU"))
    }

    @Test("ERROR, an answer that is no status, or never leaving the menu: not joined")
    func notJoined() async {
        guard case .notJoined(let error) = await follow([.success(.error)]) else { Issue.record("joined"); return }
        #expect("\(error)".contains("ERROR"))
        guard case .notJoined(let garbage) = await follow([.success(.unknown("hunter2 says no"))]) else { Issue.record("joined"); return }
        #expect("\(garbage)".contains("******** says no") && !"\(garbage)".contains("hunter2"))
        // Still in the menu a while after the POST, never seen leaving: refused too quickly to see.
        guard case .notJoined(let stayed) = await follow([.success(.mainMenu)]) else { Issue.record("joined"); return }
        #expect("\(stayed)".contains("went back to MAIN_MENU"))
        guard case .notJoined(let loading) = await follow([.success(.loading)]) else { Issue.record("joined"); return }
        #expect("\(loading)".contains("did not reach IN_GAME within 10.00s of POST /reconnect (status LOADING)"))
    }

    @Test("IN_GAME before and after, never seen leaving: joined only once it stayed in the game a while")
    func stayedInGame() async {
        #expect(await follow([.success(.inGame)], before: .inGame) == .joined(after: JoinFollow<ImmediateClock>.stayed))
        #expect(await follow([.success(.disconnecting), .success(.inGame)], before: .inGame) == .joined(after: .milliseconds(200)))
    }

    @Test("a client that stops answering for a while is asked again until the timeout")
    func unreachableMeanwhile() async {
        let outcome = await follow([.failure(.unreachable("refused")), .success(.connecting), .success(.inGame)])
        #expect(outcome == .joined(after: .milliseconds(300)))
    }
}
