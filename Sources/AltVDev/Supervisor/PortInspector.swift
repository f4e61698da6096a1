import FoundationEssentials
import Glibc

/// Who holds a port: read from /proc/net and /proc/*/fd, without touching the socket.
public enum PortInspector {
    public struct Holder: Equatable, Sendable, CustomStringConvertible {
        public var pid: pid_t?
        public var command: String?
        public var description: String {
            guard let pid else { return "a process altv-dev cannot see (another user's?)" }
            return "pid \(pid)" + (command.map { " (\($0))" } ?? "")
        }
    }

    /// The socket inodes bound to `port`: TCP listeners and UDP sockets, IPv4 and IPv6.
    static func inodes(port: Int) -> [String] {
        var found: [String] = []
        for (table, listenOnly) in [("tcp", true), ("tcp6", true), ("udp", false), ("udp6", false)] {
            guard let text = ProcFile.text("/proc/net/\(table)") else { continue }
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 9, let local = fields[1].split(separator: ":").last, Int(local, radix: 16) == port else { continue }
                if listenOnly && fields[3] != "0A" { continue }
                found.append(String(fields[9]))
            }
        }
        return found.filter { $0 != "0" }
    }

    /// Whether something listens on (TCP) or is bound to (UDP) `port`.
    public static func isTaken(port: Int) -> Bool { !inodes(port: port).isEmpty }

    /// The process holding `port`, if it is taken.
    public static func holder(of port: Int) -> Holder? {
        let sockets = Set(inodes(port: port).map { "socket:[\($0)]" })
        guard !sockets.isEmpty else { return nil }
        let processes = (try? FileManager.default.contentsOfDirectory(atPath: "/proc"))?.compactMap { pid_t($0) } ?? []
        for pid in processes {
            let folder = "/proc/\(pid)/fd"
            for fd in (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [] {
                if let target = try? FileManager.default.destinationOfSymbolicLink(atPath: "\(folder)/\(fd)"), sockets.contains(target) {
                    let command = ProcFile.text("/proc/\(pid)/comm")?
                        .trimmingWhitespace()
                    return Holder(pid: pid, command: command)
                }
            }
        }
        return Holder(pid: nil, command: nil)
    }

    /// Waits until `port` is free or `timeout` passes; true when free.
    ///
    /// Nothing notifies when a socket closes, so this polls every 20 ms.
    public static func waitUntilFree(port: Int, timeout: Duration) async -> Bool {
        let deadline = ContinuousClock.now + timeout
        while isTaken(port: port) {
            if ContinuousClock.now >= deadline || Task.isCancelled { return false }
            try? await Task.sleep(for: Timings.portPoll)
        }
        return true
    }
}
