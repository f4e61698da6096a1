import Testing

@testable import AltVDev

@Suite("Cancellable sleep")
struct CancellableSleepTests {
    @Test("a sleep to its deadline says so; a cancelled one ends at once, false, and holds no timer afterwards")
    func sleeps() async {
        #expect(await CancellableSleep.for(.milliseconds(20)))
        #expect(await CancellableSleep.until(.now - .seconds(1)))
        let tally = CancellableSleep.Tally()
        let started = ContinuousClock.now
        let sleepers = CancellableSleep.$tally.withValue(tally) { (0..<200).map { _ in Task { await CancellableSleep.for(.seconds(120)) } } }
        for sleeper in sleepers { sleeper.cancel() }
        for sleeper in sleepers { #expect(await sleeper.value == false) }
        #expect(ContinuousClock.now - started < .seconds(60))
        // Task.sleep would keep all 200 queued for two minutes; these are gone with their cancel.
        #expect(tally.pending.load(ordering: .relaxed) == 0)
        // One that has begun to wait (its timer armed), then cancelled.
        let armed = CancellableSleep.Tally()
        let sleeper = CancellableSleep.$tally.withValue(armed) { Task { await CancellableSleep.for(.seconds(120)) } }
        while armed.pending.load(ordering: .relaxed) == 0 { await Task.yield() }
        sleeper.cancel()
        #expect(await sleeper.value == false && armed.pending.load(ordering: .relaxed) == 0)
        let cancelledFirst = Task {
            withUnsafeCurrentTask { $0?.cancel() }
            return await CancellableSleep.for(.seconds(120))
        }
        #expect(await cancelledFirst.value == false)
    }
}
