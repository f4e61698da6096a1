/// The fixed waits altv-dev makes on its own (the ones a user sets live in `Config`), in one place,
/// each with the reason for its length.
public enum Timings {
    /// After a child exits, how long its output may take to reach end of file before its last lines
    /// are quoted: a grandchild that inherited the pipe may hold it open for good.
    public static let outputDrain: Duration = .milliseconds(300)
    /// How long a server asked to quit on its console (FXServer's `quit`) gets before its stop signal.
    public static let quitGrace: Duration = .seconds(3)
    /// How long a running stage waits for the watcher to deliver the events it wrote (a barrier
    /// file round trip takes well under a millisecond; a busy watcher may lag).
    public static let watcherCatchUp: Duration = .seconds(1)
    /// After SIGKILL to a process group, how long to wait for it to be gone: the kernel needs only
    /// to reap it, unless a member is stuck in uninterruptible sleep.
    public static let afterKill: Duration = .seconds(5)
    /// How long a process left outside a stopped group (a new session) may take to follow it before SIGKILL.
    public static let strayGrace: Duration = .seconds(1)
    /// How long altv-dev waits for its guardian to exit when dismissing it.
    public static let guardianExit: Duration = .seconds(2)
    /// One HTTP request to the game client's debug port at most (the reconnect's own `timeout` may be shorter).
    public static let httpRequest: Duration = .seconds(5)
    /// How long after its ready line a server's exit still fails the cycle that started it.
    public static let readySettle: Duration = .milliseconds(250)
    /// A supervisor's `timeout` signals the child and its group in the same instant: a repeat this
    /// soon after the first is the same stop, not the user's second Ctrl+C.
    public static let repeatedSignal: Duration = .milliseconds(100)
    /// At exit, how long the `--events` file's last lines may take to be written: a FIFO whose
    /// reader stopped reading would block the write for good.
    public static let eventLogFlush: Duration = .seconds(2)
    /// A service that has not stopped this long after its signal is said to be waited for (not 15 s of silence).
    public static let slowStopNotice: Duration = .seconds(1)
    /// Between looks at whether a process group is gone (no event tells it).
    public static let processGroupPoll: Duration = .milliseconds(5)
    /// Between looks at whether a port was freed (no event tells it).
    public static let portPoll: Duration = .milliseconds(20)
}
