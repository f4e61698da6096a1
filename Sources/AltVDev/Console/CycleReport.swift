/// The one summary line a cycle ends with: what changed and how long each step took.
public struct CycleReport: Equatable, Sendable {
    public enum Result: Equatable, Sendable {
        case done
        case failed(String)
    }

    public var number: Int
    public var trigger: String
    public var stop: Duration?
    public var startToReady: Duration?
    public var reconnect: Duration?
    public var result: Result = .done

    public init(number: Int, trigger: String) {
        self.number = number
        self.trigger = trigger
    }

    public var line: String {
        var parts = ["#\(number) \(trigger)"]
        if let stop { parts.append("stop \(stop.humanReadable)") }
        if let startToReady { parts.append("start→ready \(startToReady.humanReadable)") }
        if let reconnect { parts.append("reconnect \(reconnect.humanReadable)") }
        if case .failed(let reason) = result { parts.append(reason) }
        let mark = result == .done ? "✓" : "✗"
        return "\(mark) " + parts.joined(separator: " · ")
    }
}
