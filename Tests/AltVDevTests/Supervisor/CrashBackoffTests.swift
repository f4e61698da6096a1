import Testing

@testable import AltVDev

@Suite("Crash restart backoff")
struct CrashBackoffTests {
    @Test("0.5 s doubling to 8 s while the server keeps crashing")
    func doubling() {
        var backoff = CrashBackoff()
        let delays = (0..<7).map { _ in backoff.delay(afterUptime: .milliseconds(200)) }
        #expect(delays == [.milliseconds(500), .seconds(1), .seconds(2), .seconds(4), .seconds(8), .seconds(8), .seconds(8)])
    }

    @Test("a minute of healthy running resets it")
    func reset() {
        var backoff = CrashBackoff()
        for _ in 0..<4 { _ = backoff.delay(afterUptime: .seconds(1)) }
        #expect(backoff.delay(afterUptime: .seconds(59)) == .seconds(8))
        #expect(backoff.delay(afterUptime: .seconds(60)) == .milliseconds(500))
        #expect(backoff.delay(afterUptime: .seconds(1)) == .seconds(1))
    }
}
