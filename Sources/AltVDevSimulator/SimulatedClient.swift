import AltVDev
import FlyingFox
import Foundation
import Glibc

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
        let server = HTTPServer(address: try .inet(ip4: options.host, port: options.port), logger: .disabled)
        let fault = options.fault
        let statusDelay = options.statusDelay
        await server.appendRoute("GET /status") { _ in
            if fault == .neverAnswer { try await Task.sleep(for: .seconds(3600)) }
            if statusDelay > .zero { try await Task.sleep(for: statusDelay) }
            let status = fault == .garbage ? "<html><body>502 Bad Gateway</body></html>" : await self.status
            return HTTPResponse(statusCode: .ok, headers: [.contentType: "text/plain"], body: Data(status.utf8))
        }
        let reconnect: @Sendable (HTTPRequest) async throws -> HTTPResponse = { request in
            if fault == .neverAnswer { try await Task.sleep(for: .seconds(3600)) }
            if fault == .reconnect401 || fault == .reconnect500 {
                self.say("reconnect refused with HTTP \(fault == .reconnect401 ? 401 : 500)")
                return HTTPResponse(statusCode: fault == .reconnect401 ? .unauthorized : .internalServerError)
            }
            let password = String(decoding: try await request.bodyData, as: UTF8.self)
            await self.reconnectRequested(password: password)
            return HTTPResponse(statusCode: .ok)
        }
        await server.appendRoute("POST /reconnect", handler: reconnect)
        await server.appendRoute("GET /reconnect", handler: reconnect)
        let running = Task { try await server.run() }
        try await server.waitUntilListening()
        if case .ip4(let host, let port) = await server.listeningAddress {
            say("HTTP Debug Server started listening on \(host):\(port)")
        }
        try await withTaskCancellationHandler {
            try await running.value
        } onCancel: {
            running.cancel()
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
