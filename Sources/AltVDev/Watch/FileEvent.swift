/// Something that happened to a path under a watched folder.
public struct FileEvent: Equatable, Sendable {
    public enum Kind: String, Sendable {
        case created, modified, removed, renamedFrom, renamedTo
        /// The kernel dropped events: anything may have changed.
        case overflow
    }

    /// Absolute path.
    public var path: String
    public var kind: Kind
    public var isDirectory: Bool

    public init(path: String, kind: Kind, isDirectory: Bool = false) {
        self.path = path
        self.kind = kind
        self.isDirectory = isDirectory
    }
}

/// One coalesced burst of file events: what a cycle reacts to.
public struct ChangeSet: Equatable, Sendable {
    /// Absolute paths, each once, in the order first seen.
    public var paths: [String]
    /// True when events were lost (inotify queue overflow) and everything must be assumed changed.
    public var overflowed: Bool
    /// When the first event of the burst was seen: the start of "save → ready".
    public var firstEventAt: ContinuousClock.Instant?

    public init(paths: [String], overflowed: Bool = false, firstEventAt: ContinuousClock.Instant? = nil) {
        self.paths = paths
        self.overflowed = overflowed
        self.firstEventAt = firstEventAt
    }

    /// Both bursts as one: paths of each once, the earlier first event.
    public func merging(_ other: ChangeSet) -> ChangeSet {
        var seen = Set(paths)
        let firsts = [firstEventAt, other.firstEventAt].compactMap { $0 }
        return ChangeSet(
            paths: paths + other.paths.filter { seen.insert($0).inserted }, overflowed: overflowed || other.overflowed,
            firstEventAt: firsts.min())
    }

    /// A short description for the cycle line: `resources/core/server/index.js (+2 more)`.
    public func summary(relativeTo base: String) -> String {
        if overflowed { return "everything (events were lost)" }
        guard let first = paths.first else { return "nothing" }
        let shown = PathFilter.relative(first, to: base) ?? first
        return paths.count == 1 ? shown : "\(shown) (+\(paths.count - 1) more)"
    }
}
