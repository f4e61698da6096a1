import Foundation

@testable import AltVDev

/// A scripted game client: answers `/status` from a list and records every request.
final class FakeDebugEndpoint: DebugEndpoint, @unchecked Sendable {
    private let lock = NSLock()
    private var statuses: [Result<ClientStatus, EndpointError>]
    private let reconnectResult: Result<Void, EndpointError>
    private(set) var requests: [String] = []
    private(set) var passwords: [String?] = []
    /// Each GET takes this long on `clock` (a refusal that is not instant).
    var requestTime: (clock: ImmediateClock, duration: Duration)?

    /// The last status repeats once the list is used up.
    init(statuses: [Result<ClientStatus, EndpointError>], reconnect: Result<Void, EndpointError> = .success(())) {
        self.statuses = statuses
        self.reconnectResult = reconnect
    }

    func status() async throws(EndpointError) -> ClientStatus {
        let next = lock.withLock { () -> Result<ClientStatus, EndpointError> in
            requests.append("GET /status")
            return statuses.count > 1 ? statuses.removeFirst() : statuses[0]
        }
        if let (clock, duration) = requestTime { clock.advance(by: duration) }
        return try next.get()
    }

    func reconnect(password: Secret?) async throws(EndpointError) {
        lock.withLock {
            requests.append("POST /reconnect")
            passwords.append(password?.value)
        }
        try reconnectResult.get()
    }
}

/// A clock whose sleeps return at once, moving its time forward: tests run the flow's
/// timing rules without waiting.
final class ImmediateClock: Clock, @unchecked Sendable {
    struct Instant: InstantProtocol {
        var offset: Duration
        func advanced(by duration: Duration) -> Instant { Instant(offset: offset + duration) }
        func duration(to other: Instant) -> Duration { other.offset - offset }
        static func < (lhs: Instant, rhs: Instant) -> Bool { lhs.offset < rhs.offset }
    }

    private let lock = NSLock()
    private var current = Instant(offset: .zero)
    private(set) var sleeps: [Duration] = []

    var now: Instant { lock.withLock { current } }
    var minimumResolution: Duration { .zero }

    func advance(by duration: Duration) { lock.withLock { current = current.advanced(by: duration) } }

    func sleep(until deadline: Instant, tolerance: Duration?) async throws {
        try Task.checkCancellation()
        lock.withLock {
            sleeps.append(current.duration(to: deadline))
            if deadline > current { current = deadline }
        }
    }
}
