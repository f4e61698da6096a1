import Glibc

/// Signals and checks on a whole process group.
public enum ProcessGroup {
    /// Whether any process (zombies of our own children aside, which the reaper takes) is in the group.
    public static func isAlive(_ group: pid_t) -> Bool {
        kill(-group, 0) == 0 || errno == EPERM
    }

    @discardableResult
    public static func signal(_ group: pid_t, _ signal: Int32) -> Bool {
        kill(-group, signal) == 0
    }

    /// Waits until the group is empty or `timeout` passes; true when empty.
    ///
    /// No kernel event says "this group is now empty", so this polls every few milliseconds.
    public static func waitUntilEmpty(_ group: pid_t, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isAlive(group) {
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: Timings.processGroupPoll)
        }
        return true
    }
}

/// A stop as data: the steps a teardown goes through, in order.
public struct Teardown: Equatable, Sendable {
    public enum Step: Equatable, Sendable {
        case signal(Int32)
        case waitForGroupExit(Duration)
    }

    public var steps: [Step]

    /// `signal` to the group, up to `timeout` for it to go, then SIGKILL and a last wait.
    public static func graceful(signal: Int32, timeout: Duration) -> Teardown {
        Teardown(steps: [.signal(signal), .waitForGroupExit(timeout), .signal(SIGKILL), .waitForGroupExit(Timings.afterKill)])
    }

    /// What happened during a teardown.
    public struct Report: Equatable, Sendable {
        public var duration: Duration
        /// SIGKILL was needed.
        public var escalated: Bool
        /// Something was still alive after the last step.
        public var survivors: Bool
    }

    /// Runs the steps against `group`, skipping the rest once it is empty. Not cancellable:
    /// a stop always finishes, or the next start would fight the old server.
    ///
    /// With the leader's `exit`, a wait first waits for that event (the reaper delivers it at
    /// once) and polls only for what outlives the leader.
    public func run(on group: pid_t, leaderExit exit: Latch<ExitStatus>? = nil) async -> Report {
        let start = ContinuousClock.now
        var escalated = false
        for step in steps {
            guard ProcessGroup.isAlive(group) else { break }
            switch step {
            case .signal(let signal):
                if signal == SIGKILL { escalated = true }
                ProcessGroup.signal(group, signal)
            case .waitForGroupExit(let timeout):
                let deadline = ContinuousClock.now + timeout
                if let exit { _ = await Uncancelled.run { await exit.wait(until: deadline) } }
                let left = deadline - ContinuousClock.now
                _ = await Uncancelled.run { await ProcessGroup.waitUntilEmpty(group, timeout: max(left, .zero)) }
            }
        }
        return Report(duration: ContinuousClock.now - start, escalated: escalated, survivors: ProcessGroup.isAlive(group))
    }
}
