/// Notices a loop that restarts itself: cycles started only by files that the previous cycle's
/// stages wrote (a stage writing into the watched folders without naming them in `outputs`), or
/// that changed while the previous cycle started the server (a server writing into its own folder,
/// as alt:V's `dbg_reconnect` writes `ipc.txt` at every load).
///
/// A pure value: the loop tells it what the stages and the server's start wrote and asks it before each cycle.
public struct StageFeedbackGuard: Sendable {
    /// Self-started cycles allowed in a row; the next one is refused.
    public static let limit = 3

    public enum Verdict: Equatable, Sendable {
        case start
        /// Refused: the paths that came back, and the stages that wrote them; `server` when some
        /// changed while the server started.
        case loop(paths: [String], stages: [String], cycles: Int, server: Bool = false)
    }

    /// Path → the stages that were running when it changed, this cycle and the one before.
    private var writtenNow: [String: [String]] = [:]
    private var writtenBefore: [String: [String]] = [:]
    /// Paths that changed while a cycle started the server (or restarted resources), this cycle and the one before.
    private var serverNow: Set<String> = []
    private var serverBefore: Set<String> = []
    /// The paths of the last change set that started a cycle: a file the server's start wrote
    /// counts only when it is one of these, come back (a user's save during a start never does).
    private var lastStarted: Set<String> = []
    /// Files a stopped loop showed the server writes as it starts: from then on, a change set of
    /// only these, written during a start, is refused at once (after a user's save, say).
    private var knownServerWrites: Set<String> = []
    private var streak = 0

    public init() {}

    /// Paths that changed while `stages` ran.
    public mutating func stagesWrote(_ paths: [String], stages: [String]) {
        for path in paths {
            let known = writtenNow[path, default: []]
            writtenNow[path] = known + stages.filter { !known.contains($0) }
        }
    }

    /// Paths that changed while a cycle was starting the server or restarting resources.
    public mutating func serverStartWrote(_ paths: [String]) {
        serverNow.formUnion(paths)
    }

    /// Called before a cycle for `changes` starts; `.loop` when it should not.
    public mutating func admit(_ changes: ChangeSet) -> Verdict {
        let written = writtenNow.merging(writtenBefore) { now, _ in now }
        let duringStart = serverNow.union(serverBefore)
        if !changes.overflowed, !changes.paths.isEmpty, changes.paths.allSatisfy({ knownServerWrites.contains($0) && duringStart.contains($0) }) {
            rotate()
            return .loop(paths: changes.paths, stages: [], cycles: Self.limit + 1, server: true)
        }
        let byServer = duringStart.intersection(lastStarted)
        let selfMade = !changes.overflowed && !changes.paths.isEmpty && changes.paths.allSatisfy { written[$0] != nil || byServer.contains($0) }
        streak = selfMade ? streak + 1 : 0
        if streak > Self.limit {
            var stages: [String] = []
            for path in changes.paths { for stage in written[path] ?? [] where !stages.contains(stage) { stages.append(stage) } }
            let server = changes.paths.contains(where: byServer.contains)
            if server { knownServerWrites.formUnion(changes.paths.filter(byServer.contains)) }
            return .loop(paths: changes.paths, stages: stages, cycles: streak - 1, server: server)
        }
        rotate()
        lastStarted = Set(changes.paths)
        return .start
    }

    private mutating func rotate() {
        writtenBefore = writtenNow
        writtenNow = [:]
        serverBefore = serverNow
        serverNow = []
    }

    /// A cycle that does not come from file changes (the first start, `:r`, a config change).
    public mutating func otherCycleStarted() {
        streak = 0
        rotate()
        lastStarted = []
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
