import FoundationEssentials
import Glibc
import Synchronization

/// A small helper process that kills our process groups if altv-dev itself dies, even by SIGKILL.
///
/// It reads `+pgid` and `-pgid` lines on stdin; when stdin reaches end of file (this process is
/// gone, however it ended) it sends SIGKILL to every group still registered and to every process
/// carrying altv-dev's `ProcessTag` (started in a session of its own), and deletes the
/// folders registered with `#path` lines (the watcher's marker folder). It lives in its own
/// session so a Ctrl+C meant for altv-dev does not end it first.
public final class Guardian: Sendable {
    private let process: ChildProcess
    /// The groups registered now, mirrored here so a second Ctrl+C can kill them all at once.
    private let live = Mutex<Set<pid_t>>([])

    /// Starts `executable __guardian`, without the variables in `hiding`: /proc/PID/environ of it holds no secret.
    public init(executable: String, hiding hidden: [String] = []) throws {
        var options = ChildProcess.Options(argv: [executable, "__guardian"], environment: ProcessInfo.processInfo.environment.filter { !hidden.contains($0.key) })
        options.newSession = true
        process = try ChildProcess(options)
        close(process.outputDescriptor)
    }

    public func protect(_ group: pid_t) {
        _ = live.withLock { $0.insert(group) }
        process.send(line: "+\(group)")
    }

    /// The terminal's own mode, set again if we die while altv-dev edits the typed line (no echo).
    public func restoreOnExit(_ mode: TerminalMode) {
        guard let name = ttyname(mode.descriptor) else { return }
        process.send(line: "~" + String(cString: name) + " " + mode.originalHex)
    }

    /// A private folder of ours (the watcher's markers) to delete if we die without cleaning up.
    public func removeOnExit(folder: String) { process.send(line: "#\(folder)") }

    public func release(_ group: pid_t) {
        _ = live.withLock { $0.remove(group) }
        process.send(line: "-\(group)")
    }

    /// SIGKILL to every registered group (server, services, stages), now; their teardowns then end at once.
    /// Returns how many groups there were.
    @discardableResult
    public func killAllNow() -> Int {
        let groups = live.withLock { $0 }
        for group in groups { kill(-group, SIGKILL) }
        return groups.count
    }

    /// Closes the channel and waits (briefly) for the guardian to exit, so nothing outlives us.
    public func dismiss() async {
        process.closeInput()
        _ = await process.exit.wait(timeout: Timings.guardianExit)
    }

    /// The guardian's own main loop.
    public static func runMain() -> Int32 {
        signal(SIGINT, SIG_IGN)
        signal(SIGTERM, SIG_IGN)
        signal(SIGHUP, SIG_IGN)
        signal(SIGPIPE, SIG_IGN)
        var groups = Set<pid_t>()
        var folders: [String] = []
        var terminal: (path: String, mode: termios)?
        let owner = getppid()
        while let line = readLine() {
            if line.hasPrefix("~"), let space = line.lastIndex(of: " "), let mode = TerminalMode.mode(fromHex: String(line[line.index(after: space)...])) {
                terminal = (String(line.dropFirst()[..<space]), mode)
                continue
            }
            if line.hasPrefix("#") {
                folders.append(String(line.dropFirst()))
                continue
            }
            guard let sign = line.first, let group = pid_t(line.dropFirst()), group > 1 else { continue }
            if sign == "+" { groups.insert(group) } else if sign == "-" { groups.remove(group) }
        }
        for group in groups { kill(-group, SIGKILL) }
        if let (path, saved) = terminal {
            var mode = saved
            let descriptor = open(path, O_RDWR | O_NOCTTY | O_CLOEXEC)
            if descriptor >= 0 {
                // Only when altv-dev left it without echo: after a clean exit the shell may have moved on.
                var now = termios()
                if tcgetattr(descriptor, &now) == 0, now.c_lflag & tcflag_t(ECHO) == 0 { _ = tcsetattr(descriptor, TCSANOW, &mode) }
                close(descriptor)
            }
        }
        // What they started in sessions of their own carries altv-dev's tag: it goes too.
        for pid in ProcessTree.current().entries.keys where pid != getpid() {
            if let environ = ProcFile.read("/proc/\(pid)/environ", chunk: 4096), ProcessTag.isOwned(by: owner, environ: environ) { kill(pid, SIGKILL) }
        }
        for folder in folders {
            for name in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] { unlink(folder + "/" + name) }
            rmdir(folder)
        }
        return 0
    }
}
