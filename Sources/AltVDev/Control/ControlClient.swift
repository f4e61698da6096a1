import FoundationEssentials
import Glibc

/// The client end of a `watch`'s control socket, for `altv-dev send` and `altv-dev wait`.
public enum ControlClient {
    /// What the watch answered: its line, and what `ok` and `error` say in it.
    public struct Answer: Sendable {
        public var line: String
        public var ok: Bool
        public var error: String?
    }

    private struct Wire: Decodable {
        var ok: Bool
        var error: String?
    }

    /// Sends `request` to the socket at `path` and waits up to `timeout` for the answer line.
    public static func send(_ request: ControlRequest, to path: String, timeout: Duration) -> Result<Answer, ControlError> {
        do throws(ControlError) {
            try ControlSocketPath.checkSocket(path)
            let connection = try connect(path)
            defer { close(connection) }
            let line = Array(request.line.utf8)
            guard line.withUnsafeBytes({ Glibc.send(connection, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }) == line.count else {
                throw ControlError("the watch closed its control socket before the request was sent")
            }
            let answer = try readAnswer(connection, deadline: .now + timeout, timeout: timeout)
            let wire = try? JSONDecoder().decode(Wire.self, from: Data(answer.utf8))
            guard let wire else { throw ControlError("the watch's answer is not the control protocol: \(JSONValue.string(answer).text)") }
            return .success(Answer(line: answer, ok: wire.ok, error: wire.error))
        } catch {
            return .failure(error)
        }
    }

    private static func connect(_ path: String) throws(ControlError) -> Int32 {
        let connection = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard connection >= 0 else { throw ControlError("socket: \(String(cString: strerror(errno)))") }
        var address = ControlSocketPath.address(path)
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(connection, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(connection)
            // The file outlived its watch (killed with SIGKILL): nobody listens.
            if code == ECONNREFUSED { throw ControlError("\(ControlError.notRunning) (\(path) is left from one that ended)") }
            throw ControlError("\(path): \(String(cString: strerror(code)))")
        }
        return connection
    }

    private static func readAnswer(_ connection: Int32, deadline: ContinuousClock.Instant, timeout: Duration) throws(ControlError) -> String {
        var answer: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while true {
            let left = deadline - .now
            guard left > .zero else { throw ControlError.timedOut(timeout) }
            var ready = pollfd(fd: connection, events: Int16(POLLIN), revents: 0)
            let polled = poll(&ready, 1, Int32(min(left.milliseconds + 1, Int64(Int32.max))))
            if polled < 0, errno == EINTR { continue }
            if polled == 0 { throw ControlError.timedOut(timeout) }
            let count = recv(connection, &buffer, buffer.count, 0)
            if count < 0, errno == EINTR { continue }
            if count <= 0 { throw ControlError("the watch ended before it answered") }
            answer += buffer[..<count]
            if let newline = answer.firstIndex(of: UInt8(ascii: "\n")) { return String(decoding: answer[..<newline], as: UTF8.self) }
            if answer.count > 1 << 20 { throw ControlError("the watch's answer is longer than 1 MiB") }
        }
    }
}

extension ControlError {
    /// No watch listens at the socket (yet, or any more).
    public var watchNotRunning: Bool { message.hasPrefix(Self.notRunning) }
    static let notRunning = "no altv-dev watch is running for this project"

    static func timedOut(_ timeout: Duration) -> ControlError { ControlError("no answer within \(timeout.humanReadable)") }
}
