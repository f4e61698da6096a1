import Foundation

#if canImport(FoundationNetworking)
    import FoundationNetworking
#endif

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

/// The real endpoint over loopback HTTP, via FoundationNetworking's URLSession.
public struct HTTPDebugEndpoint: DebugEndpoint {
    public let baseURL: String
    public let requestTimeout: Duration
    private let session: URLSession

    public init(baseURL: String, requestTimeout: Duration = .seconds(5)) {
        self.baseURL = baseURL.hasSuffix("/") ? String(baseURL.dropLast()) : baseURL
        self.requestTimeout = requestTimeout
        let configuration = URLSessionConfiguration.ephemeral
        configuration.timeoutIntervalForRequest = requestTimeout.seconds
        configuration.timeoutIntervalForResource = requestTimeout.seconds
        configuration.httpMaximumConnectionsPerHost = 1
        configuration.connectionProxyDictionary = [:]
        configuration.urlCache = nil
        session = URLSession(configuration: configuration)
    }

    public func status() async throws(EndpointError) -> ClientStatus {
        var request = URLRequest(url: URL(string: baseURL + "/status")!)
        request.httpMethod = "GET"
        let body = try await send(request)
        return ClientStatus(body)
    }

    public func reconnect(password: Secret?) async throws(EndpointError) {
        var request = URLRequest(url: URL(string: baseURL + "/reconnect")!)
        request.httpMethod = "POST"
        request.httpBody = Data((password?.value ?? "").utf8)
        request.setValue("text/plain", forHTTPHeaderField: "Content-Type")
        _ = try await send(request)
    }

    private func send(_ request: URLRequest) async throws(EndpointError) -> String {
        var request = request
        request.timeoutInterval = requestTimeout.seconds
        request.cachePolicy = .reloadIgnoringLocalCacheData
        let data: Data
        let response: URLResponse
        do {
            (data, response) = try await session.data(for: request)
        } catch let error as URLError {
            if error.code == .timedOut { throw .timedOut }
            if error.code == .cancelled { throw .unreachable("cancelled") }
            throw .unreachable(error.localizedDescription)
        } catch {
            throw .unreachable(String(describing: error))
        }
        let text = String(decoding: data, as: UTF8.self)
        if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
            throw .httpStatus(http.statusCode, text.trimmingCharacters(in: .whitespacesAndNewlines))
        }
        return text
    }
}
