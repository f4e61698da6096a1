import Glibc
import Testing

@testable import AltVDev

/// The reasons are values; their words (the terminal's and the event stream's `reason`) are fixed here.
@Suite("Reason words")
struct ReasonWordsTests {
    @Test("a cycle's failure, worded as the event stream's reason")
    func cycleFailures() {
        let cases: [(CycleFailure, String)] = [
            (.stageFailed("build", server: .keepsRunning), "build failed; the running server keeps running; the next change tries again"),
            (.stageFailed("build", server: .notStarted), "build failed; the server was not started; the next change tries again"),
            (.resourcesFailedToLoad(count: 2), "the server keeps running; the next save loads them again"),
            (.portHeld(port: 7788, holder: nil), "not started: port 7788 is held by a process that is gone now; stop it, or set [server] port if the server uses another"),
            (.serverDidNotStart, "server did not start; waiting for a change"),
            (.resourcesFailedAtStart(count: 1), "the server runs without it; a save that fixes it loads it again"),
            (.exitedBeforeReady(.exited(1)), "server exited with status 1 before it was ready"),
            (.exitedAfterReady(.exited(1), after: .milliseconds(40)), "server exited with status 1 40ms after it was ready"),
            (.exitedAfterReady(.exited(1), after: nil), "server exited with status 1 after it was ready"),
            (.noReadyLine(pattern: "Server started", within: .seconds(60)), "no line matched /Server started/ within 1m00s; the server keeps running (check [server] ready)"),
        ]
        for (failure, words) in cases { #expect("\(failure)" == words) }
    }

    @Test("why altv-dev stops, why a client did not reconnect, why the console could not restart resources")
    func otherReasons() {
        #expect("\(StopCause.signal(SIGINT))" == "SIGINT received: stopping the server")
        #expect("\(StopCause.quit)" == ":q → stopping the server")
        #expect("\(ClientFailure.rejected(url: "http://127.0.0.1:9223", error: "HTTP 401", passwordSource: nil))".hasSuffix("(no password set)"))
        #expect("\(ClientFailure.gaveUp(after: .seconds(60), last: "connection refused"))" == "gave up reconnecting after 1m00s (connection refused)")
        #expect("\(ResourceRestartFailure.didNotLoad([FailedResource(name: "a", lines: []), FailedResource(name: "b", lines: [], kind: .notReloaded)]))" == "a failed to load, b was not loaded again")
        #expect("\(ResourceRestartFailure.usage("restart [resourcename]", command: "restart"))" == "the server console answered `Usage: restart [resourcename]` to `restart`")
        #expect("\(FullRestartReason.outsideResources("README.md"))" == "README.md is not inside a resource")
    }
}
