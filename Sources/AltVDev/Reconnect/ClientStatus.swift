/// What the game client's `GET /status` answers.
public enum ClientStatus: Equatable, Sendable, CustomStringConvertible {
    case loading, mainMenu, downloadingFiles, connecting, inGame, disconnecting, error
    /// Anything else the client said, kept verbatim.
    case unknown(String)

    public init(_ text: String) {
        switch text.trimmingWhitespace() {
        case "LOADING": self = .loading
        case "MAIN_MENU": self = .mainMenu
        case "DOWNLOADING_FILES": self = .downloadingFiles
        case "CONNECTING": self = .connecting
        case "IN_GAME": self = .inGame
        case "DISCONNECTING": self = .disconnecting
        case "ERROR": self = .error
        case let other: self = .unknown(other)
        }
    }

    /// The same status with the client's own words masked.
    public func masked(by redactor: Redactor) -> ClientStatus {
        if case .unknown(let text) = self { return .unknown(redactor.redact(text)) }
        return self
    }

    /// The states in which the client accepts a reconnect request.
    public var acceptsReconnect: Bool { self == .mainMenu || self == .inGame }

    public var description: String {
        switch self {
        case .loading: "LOADING"
        case .mainMenu: "MAIN_MENU"
        case .downloadingFiles: "DOWNLOADING_FILES"
        case .connecting: "CONNECTING"
        case .inGame: "IN_GAME"
        case .disconnecting: "DISCONNECTING"
        case .error: "ERROR"
        case .unknown(let text): text.isEmpty ? "(empty answer)" : Self.shown(text)
        }
    }
}

import FoundationEssentials

extension ClientStatus {
    /// Someone else's answer, short and on one line: an HTML page by its text, not its tags cut mid-way.
    static func shown(_ text: String) -> String {
        guard text.contains("<"), text.contains(">") else { return "\"" + Console.escapingControls(String(text.prefix(60))) + "\"" }
        var words = ""
        var inTag = false
        for character in text.prefix(4096) {
            if character == "<" { inTag = true } else if character == ">" { inTag = false; words += " " } else if !inTag { words.append(character) }
        }
        let plain = words.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        return "an HTML page" + (plain.isEmpty ? "" : " (\"" + Console.escapingControls(String(plain.prefix(60))) + "\")")
    }
}
