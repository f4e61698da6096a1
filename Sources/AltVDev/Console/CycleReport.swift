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
    /// From the first file event of the change set to the ready line.
    public var saveToReady: Duration?
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
        if let saveToReady { parts.append("save→ready \(saveToReady.humanReadable)") }
        if case .failed(let reason) = result { parts.append(reason) }
        let mark = result == .done ? "✓" : "✗"
        return "\(mark) " + parts.joined(separator: " · ")
    }
}
