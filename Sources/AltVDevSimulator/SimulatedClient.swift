import AltVDev
import FoundationEssentials
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// A stand-in for the GTA V alt:V client's debug endpoint (`altv.toml`: `debug = true`).
///
/// Serves `GET /status` and `POST /reconnect` like the real client, walks its states
/// (MAIN_MENU → CONNECTING → DOWNLOADING_FILES → IN_GAME, DISCONNECTING when the server goes
/// away) and joins the server's game port with the password, so a wrong password fails for real.
public actor SimulatedClient {
    public struct Options: Sendable {
        public var host = "127.0.0.1"
        /// 0 picks a free port; the chosen one is printed.
        public var port: UInt16 = 9223
        /// The server the client "last used": where `/reconnect` connects.
        public var server = "127.0.0.1:7788"
        public var initialState = "MAIN_MENU"
        /// How long `GET /status` takes to answer (a busy game).
        public var statusDelay: Duration = .zero
        /// How long DOWNLOADING_FILES lasts.
        public var downloadTime: Duration = .milliseconds(150)
        public var fault: Fault?
        public init() {}
    }

    /// Ways the client can misbehave, for the fault tests.
    public enum Fault: String, Sendable, CaseIterable {
        /// Accepts connections, never answers.
        case neverAnswer = "never-answer"
        /// `/status` answers something that is no status.
        case garbage
        /// `/reconnect` answers 401 or 500.
        case reconnect401 = "reconnect-401"
        case reconnect500 = "reconnect-500"
    }

    let options: Options
    private var state: String
    private var connection: Int32?
    private var attempt = 0

    public init(options: Options) {
        self.options = options
        self.state = options.initialState
    }

    nonisolated func say(_ message: String) {
        FileDescriptorWriter.writeAll(STDOUT_FILENO, Array("[client] \(message)\n".utf8))
    }

    public var status: String { state }

    private func move(to next: String) {
        guard next != state else { return }
        say("status \(state) → \(next)")
        state = next
    }

    /// Serves until the task is cancelled.
    public func run() async throws {
        let server = try await ServerBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .bind(host: options.host, port: Int(options.port)) { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.configureHTTPServerPipeline()
                    return try NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>(wrappingChannelSynchronously: channel)
                }
            }
        let port = server.channel.localAddress?.port ?? Int(options.port)
        say("HTTP Debug Server started listening on \(options.host):\(port)")
        try await withThrowingDiscardingTaskGroup { connections in
            try await server.executeThenClose { inbound in
                for try await connection in inbound {
                    connections.addTask { try? await self.serve(connection) }
                }
            }
        }
    }

    /// One connection: each request answered in turn, as long as the caller keeps it alive.
    private nonisolated func serve(_ connection: NIOAsyncChannel<HTTPServerRequestPart, HTTPServerResponsePart>) async throws {
        try await connection.executeThenClose { inbound, outbound in
            var head: HTTPRequestHead?
            var body: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let next):
                    head = next
                    body = []
                case .body(let chunk):
                    body += chunk.readableBytesView
                case .end:
                    guard let request = head else { continue }
                    let (status, text) = try await answer(request, body: body)
                    var response = HTTPResponseHead(version: request.version, status: status)
                    response.headers.add(name: "Content-Type", value: "text/plain")
                    response.headers.add(name: "Content-Length", value: String(text.utf8.count))
                    response.headers.add(name: "Connection", value: request.isKeepAlive ? "keep-alive" : "close")
                    try await outbound.write(.head(response))
                    try await outbound.write(.body(.byteBuffer(ByteBuffer(string: text))))
                    try await outbound.write(.end(nil))
                    if !request.isKeepAlive { return }
                }
            }
        }
    }

    /// What the real client's debug endpoint answers, or the fault asked for.
    private func answer(_ request: HTTPRequestHead, body: [UInt8]) async throws -> (HTTPResponseStatus, String) {
        let fault = options.fault
        switch (request.method, request.uri) {
        case (.GET, "/status"):
            if fault == .neverAnswer { try await Task.sleep(for: .seconds(3600)) }
            if options.statusDelay > .zero { try await Task.sleep(for: options.statusDelay) }
            return (.ok, fault == .garbage ? "<html><body>502 Bad Gateway</body></html>" : state)
        case (.POST, "/reconnect"), (.GET, "/reconnect"):
            if fault == .neverAnswer { try await Task.sleep(for: .seconds(3600)) }
            if fault == .reconnect401 || fault == .reconnect500 {
                say("reconnect refused with HTTP \(fault == .reconnect401 ? 401 : 500)")
                return (fault == .reconnect401 ? .unauthorized : .internalServerError, "")
            }
            reconnectRequested(password: String(decoding: body, as: UTF8.self))
            return (.ok, "")
        default:
            return (.notFound, "")
        }
    }

    private func reconnectRequested(password: String) {
        attempt += 1
        say("reconnect requested (\(password.isEmpty ? "no password" : "password given")) while \(state)")
        let current = attempt
        Task { await self.connect(password: password, attempt: current) }
    }

    private func connect(password: String, attempt current: Int) async {
        if let connection {
            move(to: "DISCONNECTING")
            Glibc.shutdown(connection, Int32(SHUT_RDWR))
            self.connection = nil
        }
        move(to: "CONNECTING")
        let result = await Task.detached { [options] in Self.join(server: options.server, password: password) }.value
        guard current == attempt else {
            if case .joined(let fd) = result { close(fd) }
            return
        }
        switch result {
        case .joined(let fd):
            connection = fd
            move(to: "DOWNLOADING_FILES")
            try? await Task.sleep(for: options.downloadTime)
            guard current == attempt else { return }
            move(to: "IN_GAME")
            say("connected to \(options.server) (password accepted)")
            Task.detached { Self.waitForClose(fd); await self.lostConnection(fd: fd) }
        case .denied(let reason):
            say("server refused the connection: \(reason)")
            move(to: "MAIN_MENU")
        case .failed(let reason):
            say("could not connect to \(options.server): \(reason)")
            move(to: "MAIN_MENU")
        }
    }

    private func lostConnection(fd: Int32) {
        close(fd)
        guard connection == fd else { return }
        connection = nil
        say("lost connection to the server")
        move(to: "DISCONNECTING")
        move(to: "MAIN_MENU")
    }

    enum JoinResult: Sendable {
        case joined(Int32)
        case denied(String)
        case failed(String)
    }

    nonisolated static func join(server: String, password: String) -> JoinResult {
        let parts = server.split(separator: ":")
        guard parts.count == 2, let port = UInt16(parts[1]) else { return .failed("bad address \(server)") }
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port.bigEndian)
        address.sin_addr.s_addr = inet_addr(String(parts[0]))
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard connected == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            return .failed(reason)
        }
        FileDescriptorWriter.writeAll(fd, Array("CONNECT \(password)\n".utf8))
        let answer = SimulatedServer.readLine(from: fd) ?? ""
        if answer.hasPrefix("OK") { return .joined(fd) }
        close(fd)
        return .denied(answer.isEmpty ? "no answer" : answer)
    }

    nonisolated static func waitForClose(_ fd: Int32) {
        var byte: UInt8 = 0
        while read(fd, &byte, 1) > 0 {}
    }
}
