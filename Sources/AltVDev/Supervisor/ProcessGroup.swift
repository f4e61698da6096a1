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
        /// Processes it had started outside its group (in sessions of their own) that were ended with it.
        public var strays: [pid_t] = []
    }

    /// Runs the steps against `group`, skipping the rest once it is empty. Not cancellable:
    /// a stop always finishes, or the next start would fight the old server.
    ///
    /// With the leader's `exit`, a wait first waits for that event (the reaper delivers it at
    /// once) and polls only for what outlives the leader. `strays`: what the group's processes
    /// started outside it (a new session), looked for at each signal, signalled with the group
    /// and waited for as long as it is, then at most `Timings.strayGrace`.
    public func run(on group: pid_t, leaderExit exit: Latch<ExitStatus>? = nil, strays find: (@Sendable () -> Set<pid_t>)? = nil) async -> Report {
        let start = ContinuousClock.now
        var escalated = false
        var strays = Set<pid_t>()
        var found = Set<pid_t>()
        for (index, step) in steps.enumerated() {
            strays = strays.filter(ProcessTree.isLiving)
            guard ProcessGroup.isAlive(group) || !strays.isEmpty || (index == 0 && find != nil) else { break }
            switch step {
            case .signal(let signal):
                if signal == SIGKILL, ProcessGroup.isAlive(group) { escalated = true }
                ProcessGroup.signal(group, signal)
                // Looked for after the group's signal: one that left the group before it is found, one that leaves after got it.
                strays.formUnion(find?() ?? [])
                found.formUnion(strays)
                for pid in strays { kill(pid, signal) }
            case .waitForGroupExit(let timeout):
                let deadline = ContinuousClock.now + timeout
                if let exit { _ = await Uncancelled.run { await exit.wait(until: deadline) } }
                let left = deadline - ContinuousClock.now
                _ = await Uncancelled.run { await ProcessGroup.waitUntilEmpty(group, timeout: max(left, .zero)) }
                let (watched, until) = (strays, min(deadline, ContinuousClock.now + Timings.strayGrace))
                _ = await Uncancelled.run { await Self.waitUntilGone(watched, until: until) }
            }
        }
        let alive = found.filter(ProcessTree.isLiving)
        return Report(
            duration: ContinuousClock.now - start, escalated: escalated, survivors: ProcessGroup.isAlive(group) || !alive.isEmpty,
            strays: found.sorted())
    }

    /// Polls until none of `pids` lives, or `deadline`.
    private static func waitUntilGone(_ pids: Set<pid_t>, until deadline: ContinuousClock.Instant) async -> Bool {
        var left = pids
        while true {
            left = left.filter(ProcessTree.isLiving)
            if left.isEmpty { return true }
            if ContinuousClock.now >= deadline { return false }
            try? await Task.sleep(for: Timings.processGroupPoll)
        }
    }
}
