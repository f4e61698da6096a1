import FoundationEssentials
import Glibc

/// Where a `watch`'s control socket lives, and the checks both ends make before trusting it:
/// a folder only its owner may enter, a socket only its owner may connect to.
public enum ControlSocketPath {
    /// `sun_path` holds 108 bytes with its terminating NUL.
    static let pathLimit = 107

    /// `$XDG_RUNTIME_DIR/altv-dev/<hash>.sock`, else `<tmp>/altv-dev-<uid>/<hash>.sock`; the hash is of
    /// the config file's path, so each project has its own.
    public static func path(for configFile: String, environment: [String: String], uid: uid_t = geteuid()) -> String {
        let name = "\(InstanceLock.hash(configFile)).sock"
        let runtime = environment["XDG_RUNTIME_DIR"].flatMap { $0.isEmpty ? nil : $0 }
        let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
        let folder = runtime.map { FilePath.join($0, "altv-dev") } ?? FilePath.join(temporary, "altv-dev-\(uid)")
        let path = FilePath.join(folder, name)
        // A path the kernel cannot take: the short fallback every Linux has.
        return path.utf8.count <= pathLimit ? path : FilePath.join("/tmp/altv-dev-\(uid)", name)
    }

    /// Makes the socket's folder (mode 0700) if needed and checks it: a folder another user owns or
    /// may enter could hand a client a socket that is not this watch's.
    public static func prepareFolder(of socketPath: String) throws(ControlError) {
        let folder = FilePath.parent(socketPath)
        if mkdir(folder, 0o700) != 0, errno != EEXIST {
            throw ControlError("cannot make \(folder) for the control socket: \(String(cString: strerror(errno)))")
        }
        try checkFolder(folder)
    }

    static func checkFolder(_ folder: String) throws(ControlError) {
        var info = stat()
        guard lstat(folder, &info) == 0 else { throw ControlError("\(folder): \(String(cString: strerror(errno)))") }
        guard info.st_mode & S_IFMT == S_IFDIR else { throw ControlError("\(folder) is not a folder; fix: remove it") }
        guard info.st_uid == geteuid() else {
            throw ControlError("\(folder) belongs to uid \(info.st_uid), not to you (uid \(geteuid())): refused; fix: set XDG_RUNTIME_DIR, or remove it")
        }
        guard info.st_mode & 0o077 == 0 else {
            throw ControlError("\(folder) is open to others (mode \(String(info.st_mode & 0o777, radix: 8))): refused; fix: chmod 700 \(folder)")
        }
    }

    /// The client's check before it connects: the socket and its folder are the user's own.
    public static func checkSocket(_ socketPath: String) throws(ControlError) {
        var info = stat()
        if access(FilePath.parent(socketPath), F_OK) == 0 { try checkFolder(FilePath.parent(socketPath)) }
        guard lstat(socketPath, &info) == 0 else {
            throw ControlError(errno == ENOENT ? "\(ControlError.notRunning) (no \(socketPath))" : "\(socketPath): \(String(cString: strerror(errno)))")
        }
        guard info.st_mode & S_IFMT == S_IFSOCK else { throw ControlError("\(socketPath) is not a socket: refused") }
        guard info.st_uid == geteuid() else {
            throw ControlError("\(socketPath) belongs to uid \(info.st_uid), not to you (uid \(geteuid())): refused, it is not your watch's")
        }
    }

    /// A `sockaddr_un` for `path`, which must fit (`path(for:)` sees to it).
    static func address(_ path: String) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { buffer in
            for (index, byte) in path.utf8.prefix(pathLimit).enumerated() { buffer[index] = byte }
        }
        return address
    }
}
