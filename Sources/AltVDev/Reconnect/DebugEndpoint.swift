import FlyingFox
import FlyingSocks
import Foundation
import Glibc

/// Why a request to the client's debug endpoint failed.
public enum EndpointError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Nothing answered at that address (connection refused, no route).
    case unreachable(String)
    /// Connected, but no answer within the request timeout.
    case timedOut
    /// An HTTP answer that is not a success.
    case httpStatus(Int, String)

    /// The same error with the client's words masked.
    public func masked(by redactor: Redactor) -> EndpointError {
        switch self {
        case .unreachable(let reason): .unreachable(redactor.redact(reason))
        case .timedOut: .timedOut
        case .httpStatus(let code, let body): .httpStatus(code, redactor.redact(body))
        }
    }

    public var description: String {
        switch self {
        case .unreachable(let reason): "not reachable (\(reason))"
        case .timedOut: "did not answer in time"
        case .httpStatus(let code, let body): body.isEmpty ? "answered HTTP \(code)" : "answered HTTP \(code): \(body.prefix(120))"
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

/// The real endpoint over HTTP/1.1, through FlyingFox's client (no FoundationNetworking, no
/// libcurl): one short connection per request, closed after the answer (`Connection: close`).
public struct HTTPDebugEndpoint: DebugEndpoint {
    public let baseURL: String
    public let requestTimeout: Duration

    public init(baseURL: String, requestTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.requestTimeout = requestTimeout
    }

    public func status() async throws(EndpointError) -> ClientStatus {
        ClientStatus(try await send(.GET, "/status", body: []))
    }

    public func reconnect(password: Secret?) async throws(EndpointError) {
        _ = try await send(.POST, "/reconnect", body: Array((password?.value ?? "").utf8))
    }

    private func send(_ method: HTTPMethod, _ path: String, body: [UInt8]) async throws(EndpointError) -> String {
        let target = try HTTPTarget(baseURL)
        let request = HTTPRequest(
            method: method, version: .http11, path: target.path + path, query: [],
            headers: [.host: target.hostHeader, .contentType: "text/plain; charset=utf-8", .connection: "close"], body: Data(body))
        let timeout = requestTimeout
        let answer: (status: Int, body: Data)
        do {
            answer = try await withThrowingTaskGroup(of: (status: Int, body: Data)?.self) { race in
                race.addTask {
                    var client = HTTPClient()
                    let response: HTTPResponse
                    // The socket's family comes from the address type: a concrete one, never sockaddr_storage.
                    switch try target.address() {
                    case .v4(let address): response = try await client.sendHTTPRequest(request, to: address)
                    case .v6(let address): response = try await client.sendHTTPRequest(request, to: address)
                    }
                    return (response.statusCode.code, try await response.bodyData)
                }
                race.addTask {
                    try await Task.sleep(for: timeout)
                    return nil
                }
                defer { race.cancelAll() }
                guard let first = try await race.next(), let answer = first else { throw EndpointError.timedOut }
                return answer
            }
        } catch {
            throw Self.endpointError(error)
        }
        let text = String(decoding: answer.body, as: UTF8.self)
        guard (200..<300).contains(answer.status) else { throw .httpStatus(answer.status, text.trimmingCharacters(in: .whitespacesAndNewlines)) }
        return text
    }

    static func endpointError(_ error: any Error) -> EndpointError {
        switch error {
        case let error as EndpointError: error
        case is CancellationError: .unreachable("cancelled")
        case SocketError.failed(_, let code, _): .unreachable(String(cString: strerror(code)).lowercased())
        case SocketError.timeout: .timedOut
        case SocketError.disconnected: .unreachable("the connection closed before an answer")
        default: .unreachable(String(describing: error))
        }
    }
}

/// Where an `http://host:port/path` URL (already checked by `EndpointAddress`) points.
struct HTTPTarget {
    var host: String
    var port: UInt16
    var path: String

    var hostHeader: String { (host.contains(":") ? "[\(host)]" : host) + ":\(port)" }

    init(_ url: String) throws(EndpointError) {
        guard let parts = URLComponents(string: url), parts.scheme?.lowercased() == "http", let host = parts.host, !host.isEmpty else {
            throw .unreachable("\(url) is not an http:// URL (the client's debug endpoint speaks plain HTTP)")
        }
        self.host = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]"))
        port = UInt16(parts.port ?? 80)
        path = parts.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
    }

    enum Address {
        case v4(sockaddr_in)
        case v6(sockaddr_in6)
    }

    /// The socket address: a literal IP as it is, `localhost` as 127.0.0.1, other names through the resolver.
    func address() throws -> Address {
        if host.lowercased() == "localhost" { return .v4(try sockaddr_in.inet(ip4: "127.0.0.1", port: port)) }
        if let v4 = try? sockaddr_in.inet(ip4: host, port: port) { return .v4(v4) }
        if let v6 = try? sockaddr_in6.inet6(ip6: host, port: port) { return .v6(v6) }
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var found: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, String(port), &hints, &found) == 0, let first = found, let address = first.pointee.ai_addr else {
            throw EndpointError.unreachable("cannot resolve \(host)")
        }
        defer { freeaddrinfo(found) }
        switch Int32(address.pointee.sa_family) {
        case AF_INET: return .v4(UnsafeRawPointer(address).load(as: sockaddr_in.self))
        case AF_INET6: return .v6(UnsafeRawPointer(address).load(as: sockaddr_in6.self))
        default: throw EndpointError.unreachable("cannot resolve \(host)")
        }
    }
}
