import Testing

@testable import AltVDev

/// Every notice is worded by the narrator: none is blank, and each names what it is about.
@Suite("Notice words")
struct NoticeWordsTests {
    static let all: [(Notice, String)] = [
        (.process(.serverSpawned(pid: 7, command: "./altv-server")), "pid 7"),
        (.process(.serverSignalled(signal: "SIGINT", group: 7)), "SIGINT to process group 7"),
        (.process(.portStillTaken(port: 7788, waitingUpTo: .seconds(10))), "port 7788"),
        (.process(.consoleCommandTyped("restart core")), "`restart core`"),
        (.process(.serverDidNotStart(error: "no such file: ./altv-server")), "no such file"),
        (.process(.serverStoppedAtExit(.milliseconds(12))), "server stopped in 12ms"),
        (.process(.killedAfterTimeout(name: "server", timeout: .seconds(10), signal: "SIGINT")), "killed its process group with SIGKILL"),
        (.process(.survivedKill(name: "server", group: 9)), "ps -g 9"),
        (.process(.strays(name: "server", pids: [7, 8])), "server had started 2 process(es) outside its process group (pid 7, 8): ended with it"),
        (.process(.stageSpawned(name: "build", pid: 8, command: "npm run build")), "stage build started"),
        (.process(.stagesRunning(["a", "b"])), "running stages a, b"),
        (.process(.stagesChangedNoResource), "nothing to restart"),
        (.process(.resourceNotLoaded("extra", serverToml: "/p/server.toml")), "resource extra changed, but resources in /p/server.toml does not list it"),
        (.process(.resourceHeldBack("core", stages: ["build-core"])), "resource core is not restarted: stage build-core failed"),
        (.process(.resourceStopFailed(.consoleClosed)), "restarting the whole server"),
        (.loop(.cycleSkipped(4)), "#4 skipped: a newer change set came in before it began"),
        (.loop(.notBuilt(DoctorFinding(file: "/p/r.toml", line: 2, column: 1, message: "main", fix: "f"))), "/p/r.toml:2:1: warning: main"),
        (.service(.removed("db")), "service db removed"),
        (.service(.changed("db")), "service db changed"),
        (.service(.spawned(name: "db", pid: 3, command: "mongod")), "service db started (pid 3)"),
        (.service(.didNotStart(name: "db", error: "boom")), "did not start: boom"),
        (.service(.gaveUp(name: "db", failures: 5, within: .seconds(60))), "failed 5 times"),
        (.service(.restarting(name: "db", in: .seconds(1))), "restarting service db in 1.00s"),
        (.service(.stopped(name: "db", after: .milliseconds(3))), "service db stopped"),
        (.service(.stillStopping(name: "db", signal: "SIGINT", timeout: .seconds(10))), "waiting for service db to stop after SIGINT; its process group gets SIGKILL 10.00s"),
        (.service(.awaited(name: "db", pattern: "ready")), "/ready/"),
        (.service(.notReady(name: "db", pattern: "ready", within: .seconds(5))), "starting the server anyway"),
        (.watch(.watching(WatchSummary(folders: 4, failed: []), pollInterval: .seconds(1))), "watching 4 folder(s)"),
        (.watch(.watchingAgain(WatchSummary(folders: 5, failed: []), pollInterval: .seconds(1))), "new [watch] settings"),
        (.watch(.watcherFailed(error: "no inotify")), "no inotify"),
        (.watch(.stageOutputEvents(2)), "2 event(s)"),
        (.watch(.fileEvent(.modified, path: "resources/a.js")), "modified: resources/a.js"),
        (.watch(.watcherWarning("queue overflowed")), "queue overflowed"),
        (.watch(.readableAgain("resources/locked")), "resources/locked can be read now: watching it"),
        (.watch(.configFileGone("/p/altv-dev.toml")), "keeping the last good config"),
        (.watch(.configKept("unreadable")), "unreadable"),
        (.watch(.configUnchanged), "nothing changed"),
        (.watch(.weakPassword("short password")), "short password"),
        (.watch(.passwordMismatch("differs from server.toml")), "server.toml"),
        (.loop(.notStarted(error: "another altv-dev watches this")), "another altv-dev"),
        (.loop(.noGuardian(error: "EPERM")), "guardian"),
        (.loop(.standardInputClosed), "no longer read"), (.loop(.endOfInputTyped), "type :q"),
        (.loop(.commandsHint), ":help"),
        (.loop(.stoppingEarly), "while the changes settle"),
        (.loop(.help), ":rc"),
        (.loop(.unknownCommand(":x")), "unknown command :x"),
        (.loop(.notSent("say hi")), "`say hi` was not sent"),
        (.loop(.restartCommand), ":r →"),
        (.loop(.reconnectCommand), ":rc →"),
        (.client(.unreachable(url: "http://127.0.0.1:9223", error: "refused", retryEvery: .seconds(1), upTo: .seconds(60), quiet: false)), "9223 refused"),
        (.client(.hint), "debug endpoint"),
        (.client(.waiting(status: "LOADING")), "LOADING"),
        (.client(.sendingReconnect(status: "MAIN_MENU")), "POST /reconnect"),
        (.loop(.eventsFileWarning("--events e: its reader stopped reading")), "its reader stopped reading"),
        (.reconnectCommand(.unreachable(url: "http://127.0.0.1:9223", error: "refused")), "refused; retrying"),
        (.reconnectCommand(.waiting(status: "LOADING")), "LOADING; waiting"),
        (.reconnectCommand(.sent(was: "MAIN_MENU")), "reconnect sent (client was MAIN_MENU)"),
        (.reconnectCommand(.gaveUp(after: .seconds(5), last: "refused")), "gave up after 5.00s: refused"),
        (.reconnectCommand(.postFailed(url: "http://h:1", error: "HTTP 401")), "POST http://h:1/reconnect failed: HTTP 401"),
        (.reconnectCommand(.notAClient(url: "http://h:1", answer: "<html>")), "is not an alt:V client"),
    ]

    @Test("each notice's words name what it is about")
    func worded() {
        for (notice, expected) in Self.all {
            let (text, _) = Narrator.words(for: notice)
            #expect(text.contains(expected), "\(notice) → \(text)")
        }
    }

    @Test("an absent client is a warning once, then only with --verbose; what goes wrong is an error")
    func levels() {
        let unreachable = { (quiet: Bool) in
            Notice.client(.unreachable(url: "u", error: "e", retryEvery: .seconds(1), upTo: .seconds(2), quiet: quiet))
        }
        #expect(Narrator.words(for: unreachable(false)).1 == .warning)
        #expect(Narrator.words(for: unreachable(true)).1 == .debug)
        #expect(Narrator.words(for: .process(.survivedKill(name: "s", group: 1))).1 == .error)
        #expect(Narrator.words(for: .service(.gaveUp(name: "s", failures: 5, within: .seconds(60)))).1 == .error)
    }
}
