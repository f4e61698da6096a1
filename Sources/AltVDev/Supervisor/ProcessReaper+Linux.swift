import CProcessSpawn
import FoundationEssentials
import Glibc

/// How a process ended.
public enum ExitStatus: Equatable, Sendable, CustomStringConvertible {
    case exited(Int32)
    case signaled(Int32)

    init(waitStatus status: Int32) {
        let signal = status & 0x7f
        self = signal == 0 ? .exited((status >> 8) & 0xff) : .signaled(signal)
    }

    public var description: String {
        switch self {
        case .exited(let code): "exited with status \(code)"
        case .signaled(let signal): "killed by \(SignalName.of(signal))"
        }
    }
}

/// Signal numbers as people write them.
public enum SignalName {
    public static func of(_ signal: Int32) -> String {
        switch signal {
        case SIGINT: "SIGINT"
        case SIGTERM: "SIGTERM"
        case SIGHUP: "SIGHUP"
        case SIGKILL: "SIGKILL"
        case SIGQUIT: "SIGQUIT"
        case SIGABRT: "SIGABRT"
        case SIGSEGV: "SIGSEGV"
        case SIGPIPE: "SIGPIPE"
        case SIGUSR1: "SIGUSR1"
        case SIGUSR2: "SIGUSR2"
        default: "signal \(signal)"
        }
    }
}

/// Makes this process a child subreaper (`altv-dev watch` does, first thing): descendants orphaned
/// by a server (a crash handler, a node worker) re-parent here and are reaped by the `ProcessReaper`,
/// instead of lingering as zombies that keep their process group looking alive. Not a side effect
/// of the first spawn: a program that embeds the library (a test runner) keeps its own children's exits.
public enum OrphanAdoption {
    public static func begin() {
        _ = altv_become_subreaper()
    }
}

/// Reaps every child of this process on one thread and hands each exit to whoever spawned it.
/// Unchecked: its tables are touched under `condition` only; the reaping thread is its own.
final class ProcessReaper: @unchecked Sendable {
    static let shared = ProcessReaper()

    private let condition = Condition()
    private var handlers: [pid_t: @Sendable (ExitStatus) -> Void] = [:]
    private var generation = 0

    private init() {
        OSThread.start(name: "altv-dev reaper") { [self] in reapForever() }
    }

    /// Runs `spawn` and registers its pid before the reaper can see that child's exit.
    func spawn(_ spawn: () throws -> pid_t, onExit: @escaping @Sendable (ExitStatus) -> Void) rethrows -> pid_t {
        condition.lock()
        defer { condition.unlock() }
        let pid = try spawn()
        handlers[pid] = onExit
        generation += 1
        condition.signal()
        return pid
    }

    private func reapForever() {
        while true {
            let seen = condition.withLock { generation }
            var status: Int32 = 0
            let pid = waitpid(-1, &status, 0)
            if pid > 0 {
                let handler = condition.withLock { handlers.removeValue(forKey: pid) }
                handler?(ExitStatus(waitStatus: status))
            } else if errno == ECHILD {
                condition.lock()
                while generation == seen { condition.wait() }
                condition.unlock()
            }
        }
    }
}
