import Synchronization

/// Waits for the watcher's barriers: "every event made before this one has been delivered".
/// The barrier may come back before anyone waits for it, so arrivals are kept until asked for.
final class WatcherBarriers: Sendable {
    private let state = Mutex<(waiting: [Int: Latch<Void>], arrived: Set<Int>)>(([:], []))

    func arrived(_ id: Int) {
        let latch = state.withLock { state -> Latch<Void>? in
            if let latch = state.waiting.removeValue(forKey: id) { return latch }
            state.arrived.insert(id)
            return nil
        }
        latch?.fulfill(())
    }

    func wait(for id: Int, timeout: Duration) async {
        let latch = state.withLock { state -> Latch<Void>? in
            if state.arrived.remove(id) != nil { return nil }
            let latch = Latch<Void>()
            state.waiting[id] = latch
            return latch
        }
        guard let latch else { return }
        _ = await latch.wait(timeout: timeout)
        state.withLock { _ = $0.waiting.removeValue(forKey: id) }
    }
}
