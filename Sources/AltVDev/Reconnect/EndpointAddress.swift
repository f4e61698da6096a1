import FoundationEssentials

/// The game client's debug endpoint, checked once for every way a URL arrives (config, `--url`,
/// hot reload): plain http (the client's endpoint speaks nothing else), a host, a port that is one,
/// and loopback unless sending the password off the machine was allowed.
public struct EndpointAddress: Sendable, Equatable, CustomStringConvertible {
    public static let defaultURL = "http://127.0.0.1:9223"

    /// The URL rebuilt from its checked parts, so what is sent to is exactly what was checked.
    public let url: String

    public var description: String { url }

    /// Why a URL was refused; `message` and `fix` are the same wherever the URL came from.
    public enum Problem: Error, Equatable, Sendable, CustomStringConvertible {
        case notHTTP(String)
        /// `https://`: the client's debug endpoint is plain HTTP, so every request would fail.
        case tls(String)
        case badPort(Int)
        case remote(host: String)

        public var message: String {
            switch self {
            case .notHTTP(let url): "\"\(url)\" is not an http URL"
            case .tls(let url): "\"\(url)\" asks for https, but the game client's debug endpoint speaks plain http"
            case .badPort(let port): "port \(port) is not a port"
            case .remote(let host): "\(host) is not a loopback address: the password would travel to another machine"
            }
        }

        public var fix: String {
            switch self {
            case .notHTTP: "write it like \"\(EndpointAddress.defaultURL)\""
            case .tls(let url): "write it with http://: \"http://" + url.drop { $0 != ":" }.dropFirst(3) + "\""
            case .badPort: "use a port from 1 to 65535, like \"\(EndpointAddress.defaultURL)\""
            case .remote:
                "use 127.0.0.1, or allow it: allow_remote = true under [reconnect], or --allow-remote on the command line "
                    + "(e.g. a server in WSL2 reaching the Windows client)"
            }
        }

        public var description: String { "\(message)\n  fix: \(fix)" }
    }

    /// Checks `text`; a non-loopback host is refused unless `allowRemote`.
    public init(_ text: String, allowRemote: Bool) throws(Problem) {
        guard let parts = URLComponents(string: text), let scheme = parts.scheme?.lowercased(),
            scheme == "http" || scheme == "https", let rawHost = parts.host, !rawHost.isEmpty,
            parts.user == nil, parts.password == nil, parts.query == nil, parts.fragment == nil
        else { throw .notHTTP(text) }
        if scheme == "https" { throw .tls(text) }
        // A port past 65535 once crashed the first request (SIGILL in the socket address).
        if let port = parts.port, !(1...65535).contains(port) { throw .badPort(port) }
        let host = rawHost.trimming { $0 == "[" || $0 == "]" }.lowercased()
        if !allowRemote && !Self.isLoopback(host) { throw .remote(host: host) }
        let shownHost = host.contains(":") ? "[\(host)]" : host
        let port = parts.port.map { ":\($0)" } ?? ""
        var path = parts.percentEncodedPath
        while path.hasSuffix("/") { path.removeLast() }
        self.url = "\(scheme)://\(shownHost)\(port)\(path)"
    }

    /// `localhost`, `127.0.0.0/8` in dotted quads, or `::1`.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimming { $0 == "[" || $0 == "]" }.lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { !$0.isEmpty && $0.allSatisfy(\.isASCII) && UInt8($0) != nil }
    }
}
