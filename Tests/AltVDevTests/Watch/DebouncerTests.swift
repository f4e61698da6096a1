import Testing

@testable import AltVDev

@Suite("Debouncer on a manual clock")
struct DebouncerTests {
    let start = ContinuousClock.now

    func at(_ ms: Int) -> ContinuousClock.Instant { start + .milliseconds(ms) }
    func event(_ path: String, _ kind: FileEvent.Kind = .modified) -> FileEvent { FileEvent(path: path, kind: kind) }

    @Test("nothing is due before the quiet period has passed")
    func quietPeriod() {
        var debouncer = Debouncer(quietPeriod: .milliseconds(100))
        #expect(debouncer.deadline == nil)
        #expect(debouncer.record([event("/a")], at: at(0)) == at(100))
        #expect(debouncer.flush(at: at(99)) == nil)
        #expect(debouncer.flush(at: at(100)) == ChangeSet(paths: ["/a"], firstEventAt: at(0)))
        #expect(debouncer.deadline == nil)
        #expect(debouncer.flush(at: at(500)) == nil)
    }

    @Test("a file created and removed within the burst is dropped; a removed file that existed before is kept")
    func netNoOps() {
        var debouncer = Debouncer(quietPeriod: .milliseconds(100))
        debouncer.record([event("/tmp.js", .created), event("/tmp.js", .modified), event("/old.js", .removed)], at: at(0))
        debouncer.record([event("/tmp.js", .removed), event("/moved.js", .renamedTo), event("/moved.js", .renamedFrom)], at: at(10))
        #expect(debouncer.flush(at: at(110)) == ChangeSet(paths: ["/old.js"], firstEventAt: at(0)))
        // Created, removed and created again: it exists, it counts.
        debouncer.record([event("/x", .created), event("/x", .removed), event("/x", .created)], at: at(200))
        #expect(debouncer.flush(at: at(300)) == ChangeSet(paths: ["/x"], firstEventAt: at(200)))
        // A burst of nothing but no-ops is no change set at all, and leaves nothing pending.
        debouncer.record([event("/y", .created), event("/y", .removed)], at: at(400))
        #expect(debouncer.flush(at: at(500)) == nil)
        #expect(debouncer.deadline == nil)
    }

    @Test("a burst of 50 saves is one change set, each path once, in first-seen order")
    func burst() {
        var debouncer = Debouncer(quietPeriod: .milliseconds(100))
        for i in 0..<50 {
            debouncer.record([event(i % 2 == 0 ? "/b" : "/a")], at: at(i * 10))
            #expect(debouncer.flush(at: at(i * 10 + 5)) == nil)
        }
        #expect(debouncer.deadline == at(590))
        #expect(debouncer.flush(at: at(590)) == ChangeSet(paths: ["/b", "/a"], firstEventAt: at(0)))
    }

    @Test("an overflow marks the change set as everything")
    func overflow() {
        var debouncer = Debouncer(quietPeriod: .milliseconds(50))
        debouncer.record([FileEvent(path: "/", kind: .overflow)], at: at(0))
        let changes = debouncer.flush(at: at(50))
        #expect(changes?.overflowed == true)
        #expect(changes?.paths == [])
    }

    @Test("an empty batch does not move the deadline")
    func emptyBatch() {
        var debouncer = Debouncer(quietPeriod: .milliseconds(100))
        debouncer.record([event("/a")], at: at(0))
        debouncer.record([], at: at(90))
        #expect(debouncer.deadline == at(100))
    }
}
