/// The one summary line a cycle ends with: what changed and how long each step took.
public struct CycleReport: Equatable, Sendable {
    public enum Result: Equatable, Sendable {
        case done
        /// The server is up; only the game client could not be made to reconnect (not running, say).
        case clientNotConnected
        case failed(CycleFailure)
    }

    public var number: Int
    public var trigger: String
    /// Each stage that ran, with its time, in the order they finished their batch.
    public var stages: [(name: String, duration: Duration)] = []
    public var stop: Duration?
    public var startToReady: Duration?
    /// Resources restarted through the server console instead of a full restart.
    public var resourcesRestarted: ResourceRestartSummary?
    /// Resources whose folders are gone, stopped through the console.
    public var resourcesStopped: [String] = []
    /// From the first file event of the change set to the ready line.
    public var saveToReady: Duration?
    /// "Failed to load resource" lines the server printed before its ready line.
    public var failedResources: [String] = []
    public var result: Result = .done
    /// A failure the user may have meant (no ready line yet, the server still running): said as a warning.
    public var isWarning = false
    /// How the client is brought back after this start, where that is not the debug endpoint's
    /// flow: `reconnect by <command>`, or why there is none (FiveM's client has no endpoint).
    public var reconnect: String?

    public init(number: Int, trigger: String) {
        self.number = number
        self.trigger = trigger
    }

    public static func == (a: CycleReport, b: CycleReport) -> Bool {
        a.line == b.line
    }

    public var line: String {
        var parts = ["#\(number) \(trigger)"]
        for stage in stages { parts.append("\(stage.name) \(stage.duration.humanReadable)") }
        if let stop { parts.append("stop \(stop.humanReadable)") }
        if let startToReady { parts.append("start→ready \(startToReady.humanReadable)") }
        if !resourcesStopped.isEmpty { parts.append("stopped resource\(resourcesStopped.count == 1 ? "" : "s") \(resourcesStopped.joined(separator: ", ")) (its folder is gone)") }
        if let restarted = resourcesRestarted { parts.append(restarted.text) }
        if let saveToReady { parts.append("save→ready \(saveToReady.humanReadable)") }
        if !failedResources.isEmpty { parts.append("failed to load resource \(failedResources.joined(separator: ", "))") }
        if case .failed(let reason) = result { parts.append("\(reason)") }
        if result == .clientNotConnected { parts.append("server ready · waiting for the game client") }
        if let reconnect { parts.append(reconnect) }
        let mark = result == .done || result == .clientNotConnected ? "✓" : "✗"
        return "\(mark) " + parts.joined(separator: " · ")
    }
}

extension CycleReport {
    /// How the summary line names what started the cycle.
    public static func describe(_ trigger: CycleTrigger, directory: String) -> String {
        switch trigger {
        case .initialStart: "start"
        case .changes(let changes): changes.summary(relativeTo: directory)
        case .manualRestart: ":r"
        case .resourceRestart(let names): "restart-resource \(names.joined(separator: ", "))"
        case .configChanged: "[server] config changed"
        case .crashRestart: "restart after a crash"
        }
    }
}

/// The resources one console restart brought back: those typed, and the dependents the server loaded again with them.
public struct ResourceRestartSummary: Equatable, Sendable {
    public var roots: [String]
    /// In the order the server loaded them, roots included.
    public var restarted: [String]
    public var duration: Duration

    public init(roots: [String], restarted: [String], duration: Duration) {
        self.roots = roots
        self.restarted = restarted
        self.duration = duration
    }

    /// `restarted resource other (+ dependent) in 12ms`.
    public var text: String {
        let typed = roots.filter(restarted.contains)
        let dependents = restarted.filter { !typed.contains($0) }
        let more = dependents.isEmpty ? "" : " (+ \(dependents.joined(separator: ", ")))"
        return "restarted resource\(typed.count == 1 ? "" : "s") \(typed.joined(separator: ", "))\(more) in \(duration.humanReadable)"
    }
}
