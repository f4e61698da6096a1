import Testing

@testable import AltVDev

@Suite("A build that restarts itself")
struct StageFeedbackGuardTests {
    let gen = "/p/resources/core/gen.js"

    @Test("cycles started only by what the last cycle's stages wrote: three run, the fourth is refused and named")
    func loopStopped() {
        var guardian = StageFeedbackGuard()
        guardian.otherCycleStarted()  // the first start runs every stage
        for _ in 1...StageFeedbackGuard.limit {
            guardian.stagesWrote([gen], stages: ["build"])
            #expect(guardian.admit(ChangeSet(paths: [gen])) == .start)
        }
        guardian.stagesWrote([gen], stages: ["build"])
        #expect(guardian.admit(ChangeSet(paths: [gen])) == .loop(paths: [gen], stages: ["build"], cycles: 3))
        // The same writes coming back stay refused; the count says it is not the first time.
        #expect(guardian.admit(ChangeSet(paths: [gen])) == .loop(paths: [gen], stages: ["build"], cycles: 4))
    }

    @Test("a change the stages did not write resets the count, also when it comes with theirs")
    func realChangeResets() {
        var guardian = StageFeedbackGuard()
        for _ in 1...StageFeedbackGuard.limit {
            guardian.stagesWrote([gen], stages: ["build"])
            #expect(guardian.admit(ChangeSet(paths: [gen])) == .start)
        }
        guardian.stagesWrote([gen], stages: ["build"])
        #expect(guardian.admit(ChangeSet(paths: [gen, "/p/src/index.ts"])) == .start)
        guardian.stagesWrote([gen], stages: ["build"])
        #expect(guardian.admit(ChangeSet(paths: [gen])) == .start)
    }

    @Test("a change the stages wrote once (no stage runs on it) is no loop")
    func oneEcho() {
        var guardian = StageFeedbackGuard()
        guardian.otherCycleStarted()
        guardian.stagesWrote([gen], stages: ["build"])
        #expect(guardian.admit(ChangeSet(paths: [gen])) == .start)
        #expect(guardian.admit(ChangeSet(paths: ["/p/resources/chat/a.js"])) == .start)
    }

    @Test("lost events are never a loop")
    func overflow() {
        var guardian = StageFeedbackGuard()
        for _ in 0..<10 {
            guardian.stagesWrote([gen], stages: ["build"])
            #expect(guardian.admit(ChangeSet(paths: [gen], overflowed: true)) == .start)
        }
    }

    @Test("the suggested outputs glob is the written files' common folder", arguments: [
        (["/p/resources/core/a.js", "/p/resources/core/sub/b.js"], "resources/core/**"),
        (["/p/resources/core/a.js", "/p/resources/chat/b.js"], "resources/**"),
        (["/p/a.js"], "**"),
    ])
    func suggestion(_ paths: [String], _ glob: String) {
        #expect(StageFeedbackGuard.outputsSuggestion(for: paths, base: "/p") == glob)
    }

    let ipc = "/p/ipc.txt"

    @Test("a file the server writes at every start (dbg_reconnect's ipc.txt): back three times, then refused and named as the server's")
    func serverWrites() {
        var guardian = StageFeedbackGuard()
        guardian.otherCycleStarted()
        // The first start writes it: that cycle runs (nothing started by it yet).
        guardian.serverStartWrote([ipc])
        #expect(guardian.admit(ChangeSet(paths: [ipc])) == .start)
        for _ in 1...StageFeedbackGuard.limit {
            guardian.serverStartWrote([ipc])
            #expect(guardian.admit(ChangeSet(paths: [ipc])) == .start)
        }
        guardian.serverStartWrote([ipc])
        #expect(guardian.admit(ChangeSet(paths: [ipc])) == .loop(paths: [ipc], stages: [], cycles: 3, server: true))
        // A user's save during a start is theirs, not the server's: it runs; and the server's
        // known write after that cycle's start is refused at once.
        guardian.serverStartWrote(["/p/resources/chat/a.js"])
        #expect(guardian.admit(ChangeSet(paths: ["/p/resources/chat/a.js"])) == .start)
        guardian.serverStartWrote([ipc])
        #expect(guardian.admit(ChangeSet(paths: [ipc])) == .loop(paths: [ipc], stages: [], cycles: 4, server: true))
    }

    @Test("a save during a start is never counted as the server's on its own")
    func userSaveDuringStart() {
        var guardian = StageFeedbackGuard()
        for round in 0..<6 {
            let path = "/p/resources/core/\(round).js"
            guardian.serverStartWrote([path])
            #expect(guardian.admit(ChangeSet(paths: [path])) == .start)
        }
    }
}
