/// Why a cycle runs.
public enum CycleTrigger: Equatable, Sendable {
    case initialStart
    case changes(ChangeSet)
    /// `[server]` changed in a reloaded config.
    case configChanged
    /// `on_crash = "restart"`, after the backoff.
    case crashRestart
}

/// What one cycle will do, in order: the planner's answer to a trigger.
public struct Plan: Equatable, Sendable {
    public enum Action: Equatable, Sendable {
        case stopServer
        case startServer
        case awaitReady
        case reconnectClient
    }

    public var trigger: CycleTrigger
    public var actions: [Action]
}

/// Turns a trigger into a plan; pure, so the rules are testable without a process.
public enum Planner {
    public static func plan(for trigger: CycleTrigger, config: Config, serverRunning: Bool) -> Plan {
        var actions: [Plan.Action] = []
        if serverRunning { actions.append(.stopServer) }
        actions += [.startServer, .awaitReady]
        if config.reconnect.enabled { actions.append(.reconnectClient) }
        return Plan(trigger: trigger, actions: actions)
    }
}
