import Synchronization

/// What running stages write: events in their `outputs` start no cycle (and name the resources
/// they wrote), the rest of what changes while they run feeds the loop guard.
///
/// Shared by the watcher's thread, which sorts each batch of events as it comes, and the stage
/// runner, which opens a batch's outputs before it starts and closes them once the watcher has
/// delivered everything they wrote.
public final class StageOutputs: Sendable {
    private struct Open {
        var stages: [String]
        var globs: GlobSet
        var map: ResourceMap
        var written: [String] = []
        /// A check (`gate = false`) runs for long beside the cycles: what changes meanwhile is the user's, not its.
        var check = false
    }

    private let open = Mutex<(batches: [Int: Open], next: Int)>(([:], 0))

    public init() {}

    /// Starts a batch: from now on, events in its outputs are its own.
    public func begin(_ stages: [StageSettings], plan: Plan.Settings) -> Int {
        let batch = Open(
            stages: stages.map(\.name), globs: GlobSet(base: plan.directory, patterns: stages.flatMap(\.outputs)),
            map: ResourceMap(resourcesDir: plan.server.resourcesDir, platform: plan.server.platform.platform), check: stages.allSatisfy { !$0.gate })
        return open.withLock { state in
            state.next += 1
            state.batches[state.next] = batch
            return state.next
        }
    }

    /// Ends a batch; returns the resources it was seen writing.
    public func end(_ token: Int) -> [String] {
        open.withLock { $0.batches.removeValue(forKey: token)?.written ?? [] }
    }

    /// The events that count as changes, and the stages running when they came.
    public func sort(_ events: [FileEvent]) -> (changes: [FileEvent], duringStages: [String], suppressed: Int) {
        open.withLock { state in
            guard !state.batches.isEmpty else { return (events, [], 0) }
            var changes: [FileEvent] = []
            for event in events {
                var covered = false
                for (token, batch) in state.batches where batch.globs.covers(event.path, isDirectory: event.isDirectory) {
                    covered = true
                    let resource = event.isDirectory ? batch.map.resource(ofFolderAt: event.path) : batch.map.resource(containing: event.path)
                    if let resource, !batch.written.contains(resource) { state.batches[token]?.written.append(resource) }
                }
                if !covered { changes.append(event) }
            }
            let stages = state.batches.keys.sorted().flatMap { state.batches[$0]!.check ? [] : state.batches[$0]!.stages }
            return (changes, stages, events.count - changes.count)
        }
    }
}
