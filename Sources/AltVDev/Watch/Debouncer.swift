/// Coalesces file events into one change set once no new event came for `quietPeriod`.
///
/// A pure value: the caller passes the time, so tests drive it with instants they choose.
public struct Debouncer: Sendable {
    /// Changes apply from the next event on.
    public var quietPeriod: Duration
    private var order: [String] = []
    private var seen: Set<String> = []
    private var overflowed = false
    private var lastEvent: ContinuousClock.Instant?
    private var firstEvent: ContinuousClock.Instant?
    /// Paths whose first event in this burst made them exist, and paths whose last event removed them:
    /// both at once is a net no-op (a temp file written and deleted) and is dropped.
    private var createdInBurst: Set<String> = []
    private var goneAtEnd: Set<String> = []

    public init(quietPeriod: Duration) {
        self.quietPeriod = quietPeriod
    }

    /// Whether the pending burst touched a file that existed before it (not only ones it created, which
    /// may yet vanish again as a net no-op), or lost events: only then is a change already certain.
    public var touchesExistingFiles: Bool {
        overflowed || order.contains { !createdInBurst.contains($0) }
    }

    /// When the pending change set becomes due, if anything is pending.
    public var deadline: ContinuousClock.Instant? {
        guard let lastEvent, !order.isEmpty || overflowed else { return nil }
        return lastEvent + quietPeriod
    }

    /// Adds events seen at `now` and returns the new deadline.
    @discardableResult
    public mutating func record(_ events: [FileEvent], at now: ContinuousClock.Instant) -> ContinuousClock.Instant? {
        guard !events.isEmpty else { return deadline }
        for event in events {
            if event.kind == .overflow {
                overflowed = true
            } else {
                if seen.insert(event.path).inserted {
                    order.append(event.path)
                    if event.kind == .created || event.kind == .renamedTo { createdInBurst.insert(event.path) }
                }
                if event.kind == .removed || event.kind == .renamedFrom {
                    goneAtEnd.insert(event.path)
                } else {
                    goneAtEnd.remove(event.path)
                }
            }
        }
        if firstEvent == nil { firstEvent = now }
        lastEvent = now
        return deadline
    }

    /// The change set, if the quiet period has passed by `now`; pending state is cleared. Net no-ops
    /// (created, then removed again) are left out, and a burst of nothing else is nil; one that
    /// `touchesExistingFiles` never is.
    public mutating func flush(at now: ContinuousClock.Instant) -> ChangeSet? {
        guard let deadline, now >= deadline else { return nil }
        let netNoOps = createdInBurst.intersection(goneAtEnd)
        let paths = netNoOps.isEmpty ? order : order.filter { !netNoOps.contains($0) }
        let changes = ChangeSet(paths: paths, overflowed: overflowed, firstEventAt: firstEvent)
        order = []
        seen = []
        createdInBurst = []
        goneAtEnd = []
        overflowed = false
        lastEvent = nil
        firstEvent = nil
        return paths.isEmpty && !changes.overflowed ? nil : changes
    }
}
