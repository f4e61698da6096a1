/// What each control request does to the running loop: commands go in as the console's do,
/// and are answered once the cycle they start has started (so a `wait` sent after sees it).
struct ControlCommands: Sendable {
    let control: ControlState
    let resourcesDir: String
    let platform: any ServerPlatform
    let sink: AsyncStream<LoopShell.Event>.Continuation

    /// How long an answer waits for the cycle a command starts (one in flight ends first).
    static let cycleStartWait: Duration = .seconds(5)

    func answer(_ request: ControlRequest) async -> JSONValue {
        switch request {
        case .status:
            return control.status()
        case .wait(let condition):
            return await control.wait(for: condition) ? control.status() : ControlError("the watch is quitting").answer
        case .restart:
            return await startingCycle(.restart)
        case .restartResource(let name):
            let known = ResourceMap(resourcesDir: resourcesDir, platform: platform).resourceNames()
            guard known.contains(name) else {
                return ControlError("no resource \(name) in \(resourcesDir) (there: \(known.isEmpty ? "none" : known.joined(separator: ", ")))").answer
            }
            return await startingCycle(.restartResource(name))
        case .reconnect:
            sink.yield(.input(.command(.reconnect)))
            return .object([("ok", .bool(true))])
        case .quit:
            sink.yield(.input(.command(.quit)))
            return .object([("ok", .bool(true))])
        }
    }

    /// `cycle`: the number of the cycle the command started, null when none started in time.
    private func startingCycle(_ command: ConsoleCommand) async -> JSONValue {
        let before = control.lastCycle
        sink.yield(.input(.command(command)))
        let cycle = await control.nextCycle(after: before, within: Self.cycleStartWait)
        return .object([("ok", .bool(true)), ("cycle", cycle.map { .int(Int64($0)) } ?? .null)])
    }
}
