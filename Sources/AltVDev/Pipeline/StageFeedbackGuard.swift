/// Notices a build that restarts itself: cycles started only by files that the previous cycle's
/// stages wrote (a stage writing into the watched folders without naming them in `outputs`).
///
/// A pure value: the loop tells it what the stages wrote and asks it before each cycle.
public struct StageFeedbackGuard: Sendable {
    /// Self-started cycles allowed in a row; the next one is refused.
    public static let limit = 3

    public enum Verdict: Equatable, Sendable {
        case start
        /// Refused: the paths that came back, and the stages that wrote them.
        case loop(paths: [String], stages: [String], cycles: Int)
    }

    /// Path → the stages that were running when it changed, this cycle and the one before.
    private var writtenNow: [String: [String]] = [:]
    private var writtenBefore: [String: [String]] = [:]
    private var streak = 0

    public init() {}

    /// Paths that changed while `stages` ran.
    public mutating func stagesWrote(_ paths: [String], stages: [String]) {
        for path in paths {
            let known = writtenNow[path, default: []]
            writtenNow[path] = known + stages.filter { !known.contains($0) }
        }
    }

    /// Called before a cycle for `changes` starts; `.loop` when it should not.
    public mutating func admit(_ changes: ChangeSet) -> Verdict {
        let written = writtenNow.merging(writtenBefore) { now, _ in now }
        let selfMade = !changes.overflowed && !changes.paths.isEmpty && changes.paths.allSatisfy { written[$0] != nil }
        streak = selfMade ? streak + 1 : 0
        if streak > Self.limit {
            var stages: [String] = []
            for path in changes.paths { for stage in written[path] ?? [] where !stages.contains(stage) { stages.append(stage) } }
            return .loop(paths: changes.paths, stages: stages, cycles: streak - 1)
        }
        writtenBefore = writtenNow
        writtenNow = [:]
        return .start
    }

    /// A cycle that does not come from file changes (the first start, `:r`, a config change).
    public mutating func otherCycleStarted() {
        streak = 0
        writtenBefore = writtenNow
        writtenNow = [:]
    }

    /// The smallest `outputs` glob that covers `paths` (relative to `base`): their common folder, `/**`.
    public static func outputsSuggestion(for paths: [String], base: String) -> String {
        let relative = paths.map { (PathFilter.relative($0, to: base) ?? $0).split(separator: "/").dropLast().map(String.init) }
        guard var common = relative.first else { return "**" }
        for parts in relative.dropFirst() {
            common = Array(zip(common, parts).prefix { $0 == $1 }.map(\.0))
        }
        return common.isEmpty ? "**" : common.joined(separator: "/") + "/**"
    }
}
