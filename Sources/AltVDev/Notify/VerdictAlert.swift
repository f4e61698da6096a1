/// What a developer who looks away is told of a verdict: `[notify] on` decides which, this says
/// it in words. A pure rule over the events; the verdict line is the one the terminal shows.
public struct VerdictAlert: Equatable, Sendable {
    public var failed: Bool
    public var title: String
    public var body: String

    /// The alert an event is, or nil: a cycle's ✓ or ✗ (not a cancelled one) and a failed check, each once.
    public static func alert(for event: LoopEvent, settings: NotifySettings, project: String) -> VerdictAlert? {
        switch event {
        case .cycleFinished(_, let outcome, let report) where outcome != .cancelled:
            let failed = report.line.hasPrefix("✗")
            guard settings.on.contains(failed ? .failed : .ok) else { return nil }
            return VerdictAlert(failed: failed, title: "altv-dev · \(project)", body: report.line)
        case .stageFinished(_, let result) where !result.gate && settings.on.contains(.failed):
            switch result.outcome {
            case .failed, .timedOut, .notStarted: return VerdictAlert(failed: true, title: "altv-dev · \(project)", body: "✗ check " + result.summary)
            case .succeeded, .cancelled: return nil
            }
        default:
            return nil
        }
    }
}
