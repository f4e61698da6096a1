import CProcessSpawn
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// The control socket of a running `watch`: a Unix socket (mode 0600, in a 0700 folder) that
/// takes one JSON request line per connection and writes one JSON answer line. A peer of another
/// user is refused before it is read; a line too long, too slow or not JSON gets an error answer.
public final class ControlSocket: Sendable {
    public typealias Handler = @Sendable (ControlRequest) async -> JSONValue

    public let path: String
    private let listener: Int32
    private let handler: Handler
    private let open = Atomic<Int>(0)

    /// At most this many connections are served at once; more are closed unread.
    static let connectionLimit = 16
    /// A client that sends no full line within this is answered with an error.
    static let readTimeout: Duration = .seconds(5)

    /// Binds the socket at `path` (a stale one there is replaced: the instance lock is held) and
    /// starts accepting on a thread of its own.
    public init(path: String, handler: @escaping Handler) throws(ControlError) {
        try ControlSocketPath.prepareFolder(of: path)
        let descriptor = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard descriptor >= 0 else { throw ControlError("control socket: \(String(cString: strerror(errno)))") }
        unlink(path)
        var address = ControlSocketPath.address(path)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0, chmod(path, 0o600) == 0, listen(descriptor, 16) == 0 else {
            let message = String(cString: strerror(errno))
            Glibc.close(descriptor)
            throw ControlError("control socket \(path): \(message)")
        }
        self.path = path
        listener = descriptor
        self.handler = handler
        OSThread.start(name: "altv-dev control") { [self] in acceptLoop() }
    }

    /// Stops accepting and removes the socket file; connections being answered finish.
    public func close() {
        unlink(path)
        // Wakes the thread blocked in accept (it then sees EINVAL and ends).
        shutdown(listener, Int32(SHUT_RDWR))
    }

    private func acceptLoop() {
        while true {
            let connection = altv_accept_cloexec(listener)
            if connection < 0 {
                if errno == EINTR || errno == ECONNABORTED || errno == EMFILE || errno == ENFILE { continue }
                Glibc.close(listener)
                return
            }
            guard Self.peerIsTrusted(connection) else {
                Glibc.close(connection)
                continue
            }
            guard open.add(1, ordering: .relaxed).newValue <= Self.connectionLimit else {
                open.subtract(1, ordering: .relaxed)
                Glibc.close(connection)
                continue
            }
            OSThread.start(name: "altv-dev client") { [self] in
                serve(connection)
                open.subtract(1, ordering: .relaxed)
            }
        }
    }

    /// Only this user (or root) may talk to the watch: the kernel says who is on the other end.
    static func peerIsTrusted(_ connection: Int32) -> Bool {
        isTrusted(peer: altv_peer_uid(connection), own: geteuid())
    }

    static func isTrusted(peer: Int64, own: uid_t) -> Bool { peer >= 0 && (peer == Int64(own) || peer == 0) }

    private func serve(_ connection: Int32) {
        defer { Glibc.close(connection) }
        var timeout = timeval(tv_sec: Int(Self.readTimeout.milliseconds / 1000), tv_usec: 0)
        setsockopt(connection, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(connection, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let answer: JSONValue
        switch Self.readLine(connection).flatMap(ControlRequest.parse) {
        case .failure(let error): answer = error.answer
        case .success(let request): answer = Self.await { [handler] in await handler(request) }
        }
        let line = Array((answer.text + "\n").utf8)
        _ = line.withUnsafeBytes { send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
    }

    /// One line, without its newline; an error when the client sends more than a line's limit,
    /// closes early or stays silent past the read timeout.
    static func readLine(_ connection: Int32) -> Result<[UInt8], ControlError> {
        var line: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 1024)
        while true {
            let count = recv(connection, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count < 0 { return .failure(ControlError("no request line within \(readTimeout.humanReadable)")) }
            if count == 0 { return line.isEmpty ? .failure(ControlError("no request line")) : .success(line) }
            if let newline = buffer[..<count].firstIndex(of: UInt8(ascii: "\n")) {
                line += buffer[..<newline]
                return line.count > ControlRequest.lineLimit ? .failure(ControlError("a request line is at most \(ControlRequest.lineLimit) bytes")) : .success(line)
            }
            line += buffer[..<count]
            if line.count > ControlRequest.lineLimit { return .failure(ControlError("a request line is at most \(ControlRequest.lineLimit) bytes")) }
        }
    }

    /// Runs `body` on the cooperative pool and blocks this (own) thread until it answers.
    private static func await(_ body: @escaping @Sendable () async -> JSONValue) -> JSONValue {
        let done = DispatchSemaphore(value: 0)
        let result = Mutex<JSONValue>(.null)
        Task {
            let value = await body()
            result.withLock { $0 = value }
            done.signal()
        }
        done.wait()
        return result.withLock { $0 }
    }
}
