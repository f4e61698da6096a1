/// The server's lifecycle as a pure state machine: inputs are things that happened, outputs are
/// what the supervisor must do next. It decides, among other things, whether an exit was asked for.
public struct ServerLifecycle: Equatable, Sendable {
    public enum State: Equatable, Sendable {
        case idle
        case running(run: Int)
        case stopping(run: Int)
        case exited(run: Int, status: ExitStatus)
    }

    public enum Action: Equatable, Sendable {
        case none
        /// The server ended on its own: tell the user, wait for the next change.
        case reportUnexpectedExit(ExitStatus)
        /// Stop the process group with the configured teardown.
        case beginTeardown(run: Int)
    }

    public private(set) var state: State = .idle

    public init() {}

    public mutating func started(run: Int) {
        state = .running(run: run)
    }

    public mutating func exited(run: Int, status: ExitStatus) -> Action {
        switch state {
        case .running(let current) where current == run:
            state = .exited(run: run, status: status)
            return .reportUnexpectedExit(status)
        case .stopping(let current) where current == run:
            state = .exited(run: run, status: status)
            return .none
        default:
            return .none
        }
    }

    public mutating func stopRequested() -> Action {
        switch state {
        case .running(let run):
            state = .stopping(run: run)
            return .beginTeardown(run: run)
        case .exited(let run, _):
            // The main process is gone, but what it started may not be: tear the group down anyway.
            state = .stopping(run: run)
            return .beginTeardown(run: run)
        case .idle, .stopping:
            return .none
        }
    }

    public mutating func stopped() {
        state = .idle
    }

    /// A server process is alive as far as the machine knows.
    public var isRunning: Bool {
        switch state {
        case .running, .stopping: true
        case .idle, .exited: false
        }
    }
}
