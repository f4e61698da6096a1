/// How long to wait before restarting a crashed server: 0.5 s, doubling to 8 s, back to 0.5 s
/// once a run stayed up for a minute. A pure value, driven by the uptimes it is told.
public struct CrashBackoff: Equatable, Sendable {
    public static let first: Duration = .milliseconds(500)
    public static let cap: Duration = .seconds(8)
    public static let healthyUptime: Duration = .seconds(60)

    private var next = CrashBackoff.first

    public init() {}

    /// The delay before the next start, after a run that lasted `uptime`.
    public mutating func delay(afterUptime uptime: Duration) -> Duration {
        if uptime >= Self.healthyUptime { next = Self.first }
        let delay = next
        next = min(next * 2, Self.cap)
        return delay
    }
}
