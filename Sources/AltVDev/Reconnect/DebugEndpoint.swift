import FoundationEssentials
import Glibc
import NIOCore
import NIOHTTP1
import NIOPosix

/// Why a request to the client's debug endpoint failed.
public enum EndpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing answered at that address (connection refused, no route).
    case unreachable(String)
    /// Connected, but no answer within the request timeout.
    case timedOut
    /// An HTTP answer that is not a success.
    case httpStatus(Int, String)
    /// The answer went on past `HTTPDebugEndpoint.answerLimit` bytes: no alt:V client's does.
    case answerTooLarge(Int)

    /// The same error with the client's words masked.
    public func masked(by redactor: Redactor) -> EndpointError {
        switch self {
        case .unreachable(let reason): .unreachable(redactor.redact(reason))
        case .timedOut: .timedOut
        case .httpStatus(let code, let body): .httpStatus(code, redactor.redact(body))
        case .answerTooLarge(let limit): .answerTooLarge(limit)
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let reason): "not reachable (\(reason))"
        case .timedOut: "did not answer in time"
        case .httpStatus(let code, let body): body.isEmpty ? "answered HTTP \(code)" : "answered HTTP \(code): \(ClientStatus.shown(body))"
        case .answerTooLarge(let limit): "answered with more than \(limit / 1024) KiB, which no alt:V client does (is something else listening there?)"
        }
    }
}

/// The game client's debug HTTP endpoint, as the reconnect flow needs it.
public protocol DebugEndpoint: Sendable {
    /// `GET /status`, the body as text.
    func status() async throws(EndpointError) -> ClientStatus
    /// `POST /reconnect` with the password as the body (empty when there is none).
    func reconnect(password: Secret?) async throws(EndpointError)
}

/// The real endpoint over HTTP/1.1 with SwiftNIO's codec (no FoundationNetworking, no libcurl):
/// one short connection per request, closed after the answer (`Connection: close`).
public struct HTTPDebugEndpoint: DebugEndpoint {
    public let requestTimeout: Duration
    /// Where `baseURL` points, read once: a URL that is no http:// URL fails every request the same way.
    private let target: Result<HTTPTarget, EndpointError>

    public init(baseURL: String, requestTimeout: Duration = Timings.httpRequest) {
        self.requestTimeout = requestTimeout
        target = Result { () throws(EndpointError) in try HTTPTarget(baseURL) }
    }

    public func status() async throws(EndpointError) -> ClientStatus {
        ClientStatus(try await send(.GET, "/status", body: []))
    }

    public func reconnect(password: Secret?) async throws(EndpointError) {
        _ = try await send(.POST, "/reconnect", body: Array((password?.value ?? "").utf8))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]) async throws(EndpointError) -> String {
        let target = try target.get()
        let timeout = requestTimeout
        let answer: (status: Int, body: [UInt8])
        do {
            answer = try await Self.exchange(method, target, path, body, timeout: timeout)
        } catch {
            throw Self.endpointError(error)
        }
        let text = String(decoding: answer.body, as: UTF8.self)
        guard (200..<300).contains(answer.status) else { throw .httpStatus(answer.status, text.trimmingWhitespace()) }
        return text
    }

    /// One request on a connection of its own: head, body, end; then the answer until its end.
    /// `/status` answers a word and `/reconnect` nothing: an answer past this is no client's, and
    /// is not kept (a stream without end would grow altv-dev without bound).
    public static let answerLimit = 64 * 1024

    static func exchange(
        _ method: HTTPMethod, _ target: HTTPTarget, _ path: String, _ body: [UInt8], timeout: Duration
    ) async throws -> (status: Int, body: [UInt8]) {
        let bootstrap = ClientBootstrap(group: HTTPEventLoop.group).connectTimeout(.nanoseconds(Int64(timeout.milliseconds) * 1_000_000))
        let initializer: @Sendable (any Channel) -> EventLoopFuture<NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>> = { channel in
            channel.eventLoop.makeCompletedFuture {
                try channel.pipeline.syncOperations.addHTTPClientHandlers()
                return try NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>(wrappingChannelSynchronously: channel)
            }
        }
        // An IP address is connected to directly: a host name goes through NIO's resolver, which
        // runs getaddrinfo on a dispatch queue (two thread hops a request).
        let channel =
            if let address = target.address {
                try await bootstrap.connect(to: address, channelInitializer: initializer)
            } else {
                try await bootstrap.connect(host: target.host, port: Int(target.port), channelInitializer: initializer)
            }
        // The whole exchange within `timeout`: past it the channel is closed, which ends the wait below.
        let timedOut = OnceFlag()
        let deadline = channel.channel.eventLoop.scheduleTask(in: .nanoseconds(Int64(timeout.milliseconds) * 1_000_000)) {
            timedOut.set()
            channel.channel.close(promise: nil)
        }
        defer { deadline.cancel() }
        // Cancelling the flow (a newer change) closes the connection the same way.
        return try await withTaskCancellationHandler {
            do {
                return try await exchange(on: channel, method, target, path, body)
            } catch {
                if timedOut.isSet { throw EndpointError.timedOut }
                if Task.isCancelled { throw CancellationError() }
                throw error
            }
        } onCancel: {
            channel.channel.close(promise: nil)
        }
    }

    private static func exchange(
        on channel: NIOAsyncChannel<HTTPClientResponsePart, HTTPClientRequestPart>, _ method: HTTPMethod, _ target: HTTPTarget,
        _ path: String, _ body: [UInt8]
    ) async throws -> (status: Int, body: [UInt8]) {
        try await channel.executeThenClose { inbound, outbound in
            var head = HTTPRequestHead(version: .http1_1, method: method, uri: target.path + path)
            head.headers.add(name: "Host", value: target.hostHeader)
            head.headers.add(name: "Content-Type", value: "text/plain; charset=utf-8")
            head.headers.add(name: "Content-Length", value: String(body.count))
            head.headers.add(name: "Connection", value: "close")
            try await outbound.write(.head(head))
            if !body.isEmpty { try await outbound.write(.body(.byteBuffer(ByteBuffer(bytes: body)))) }
            try await outbound.write(.end(nil))
            var status = 0
            var received: [UInt8] = []
            for try await part in inbound {
                switch part {
                case .head(let head): status = Int(head.status.code)
                case .body(let chunk):
                    guard received.count + chunk.readableBytes <= answerLimit else { throw EndpointError.answerTooLarge(answerLimit) }
                    received += chunk.readableBytesView
                case .end: return (status, received)
                }
            }
            throw EndpointError.unreachable("the connection closed before an answer")
        }
    }

    static func endpointError(_ error: any Error) -> EndpointError {
        switch error {
        case let error as EndpointError: error
        case is CancellationError: .unreachable("cancelled")
        case let error as IOError: .unreachable(String(cString: strerror(error.errnoCode)).lowercased())
        case let error as NIOConnectionError:
            error.connectionErrors.first.map { endpointError($0.error) } ?? .unreachable("cannot resolve \(error.host)")
        case ChannelError.connectTimeout: .timedOut
        default: .unreachable(String(describing: error))
        }
    }
}

/// One event-loop thread for the loop's few HTTP requests, made on first use.
enum HTTPEventLoop {
    static let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
}

/// Where an `http://host:port/path` URL (already checked by `EndpointAddress`) points.
struct HTTPTarget: Sendable {
    var host: String
    var port: UInt16
    var path: String
    /// When `host` is an IP address: no name to resolve.
    var address: SocketAddress?

    var hostHeader: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    init(_ url: String) throws(EndpointError) {
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == "http", let host = parts.host, !host.isEmpty else {
            throw .unreachable("\(url) is not an http:// URL (the client's debug endpoint speaks plain HTTP)")
        }
        self.host = host.trimming { $0 == "[" || $0 == "]" }
        port = UInt16(parts.port ?? 80)
        address = try? SocketAddress(ipAddress: self.host, port: Int(port))
        path = parts.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
    }
}
