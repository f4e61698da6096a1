import FoundationEssentials
import Glibc

/// One `altv-dev watch` per config file: a second one refuses instead of fighting the first.
///
/// An flock on a file named after the config's path, in `$XDG_RUNTIME_DIR` (else /tmp); the
/// kernel drops it when the process ends, however it ends.
public final class InstanceLock: Sendable {
    private let descriptor: Int32

    public struct Taken: Error, CustomStringConvertible {
        public var description: String
    }

    public static func path(for configFile: String, environment: [String: String] = ProcessInfo.processInfo.environment) -> String {
        let folder = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        return FilePath.join(folder, "altv-dev-\(hash(configFile)).lock")
    }

    /// FNV-1a of the config file's path, in hex: one name per project for the lock and the control socket.
    static func hash(_ configFile: String) -> String {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in configFile.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return String(hash, radix: 16)
    }

    public init(configFile: String) throws {
        let path = Self.path(for: configFile)
        let fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw Taken(description: "cannot create the lock file \(path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            var buffer = [UInt8](repeating: 0, count: 32)
            let count = pread(fd, &buffer, buffer.count, 0)
            close(fd)
            let pid = String(decoding: buffer.prefix(max(0, count)), as: UTF8.self).trimmingWhitespace()
            throw Taken(
                description: "another altv-dev watch\(pid.isEmpty ? "" : " (pid \(pid))") is already running for \(configFile); "
                    + "stop it first\(pid.isEmpty ? "" : " (kill \(pid))"), or use that one")
        }
        _ = ftruncate(fd, 0)
        let pid = Array("\(getpid())\n".utf8)
        _ = pwrite(fd, pid, pid.count, 0)
        descriptor = fd
    }

    deinit { close(descriptor) }
}
