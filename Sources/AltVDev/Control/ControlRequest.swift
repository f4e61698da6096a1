import FoundationEssentials

/// One line a client writes to a running `watch`'s control socket (`altv-dev send`, `altv-dev wait`):
/// a JSON object with a `command`; parsed here, so no line a client sends can do more than be refused.
public enum ControlRequest: Equatable, Sendable {
    case restart
    case reconnect
    case quit
    case restartResource(String)
    case status
    /// Answered when the condition holds (the client bounds the wait).
    case wait(WaitCondition)

    public enum WaitCondition: String, Equatable, Sendable, CaseIterable {
        /// No cycle in flight and the server up and ready.
        case ready
        /// No cycle in flight, whatever the server's state.
        case idle
    }

    /// The names `send` takes, in the order its help lists them.
    public static let sendCommands = ["restart", "reconnect", "quit", "restart-resource", "status"]

    /// A request line longer than this is refused unread (no request needs more).
    public static let lineLimit = 4096

    private struct Wire: Decodable {
        var command: String
        var resource: String?
        var `for`: String?
    }

    /// The request a line carries, or why it is refused (said back to the client as `error`).
    public static func parse(_ line: [UInt8]) -> Result<ControlRequest, ControlError> {
        guard line.count <= lineLimit else { return .failure(.init("a request line is at most \(lineLimit) bytes")) }
        guard let wire = try? JSONDecoder().decode(Wire.self, from: Data(line)) else {
            return .failure(.init("expected one JSON object with a \"command\", e.g. {\"command\":\"status\"}"))
        }
        switch wire.command {
        case "restart": return .success(.restart)
        case "reconnect": return .success(.reconnect)
        case "quit": return .success(.quit)
        case "status": return .success(.status)
        case "restart-resource":
            guard let name = wire.resource, ResourceName.canBeTyped(name) else {
                return .failure(.init("restart-resource needs \"resource\": a resource's name (letters, digits, - _ . /)"))
            }
            return .success(.restartResource(name))
        case "wait":
            guard let condition = WaitCondition(rawValue: wire.for ?? "ready") else {
                return .failure(.init("wait \"for\" is one of \(WaitCondition.allCases.map(\.rawValue).joined(separator: ", "))"))
            }
            return .success(.wait(condition))
        default:
            let known = sendCommands + ["wait"]
            let close = known.filter { CommandSuggestion.distance(wire.command, $0) <= 2 }.first
            let hint = close.map { "; did you mean \($0)?" } ?? ""
            return .failure(.init("unknown command \(JSONValue.string(wire.command).text); one of \(known.joined(separator: ", "))\(hint)"))
        }
    }

    /// The line a client writes for this request.
    public var line: String {
        let members: [(String, JSONValue)] =
            switch self {
            case .restart: [("command", .string("restart"))]
            case .reconnect: [("command", .string("reconnect"))]
            case .quit: [("command", .string("quit"))]
            case .status: [("command", .string("status"))]
            case .restartResource(let name): [("command", .string("restart-resource")), ("resource", .string(name))]
            case .wait(let condition): [("command", .string("wait")), ("for", .string(condition.rawValue))]
            }
        return JSONValue.object(members).text + "\n"
    }
}

public struct ControlError: Error, Equatable, Sendable, CustomStringConvertible {
    public var message: String
    public init(_ message: String) { self.message = message }
    public var description: String { message }

    /// The answer line for a refused request.
    public var answer: JSONValue { .object([("ok", .bool(false)), ("error", .string(message))]) }
}
