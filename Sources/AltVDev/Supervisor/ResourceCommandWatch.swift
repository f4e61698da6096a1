/// One `restart X` or `start X` typed into the server's console, judged line by line by what the
/// real server answers (`shared/altv/README.md`, "Console"): a restart makes the server stop the
/// resources that depend on X too and load them again after X, so every resource it was seen
/// stopping must come back before the command is done.
public struct ResourceCommandWatch: Equatable, Sendable {
    public enum Verb: String, Equatable, Sendable {
        case restart, start
        /// For a resource whose folder is gone: the server stops its dependents with it, and they stay stopped.
        case stop
    }

    public enum Verdict: Equatable, Sendable {
        /// Every resource concerned loaded or failed; `loaded` in the order the server loaded them.
        case done(loaded: [String], failed: [String])
        /// `stop`: every resource the server was seen stopping has stopped, in the order seen.
        case stopped([String])
        /// `No such resource X is loaded`: X is not loaded (a failed load unloads it); `start` it instead.
        case notLoaded
        /// `Resource already loaded`: X runs; `restart` it instead.
        case alreadyLoaded
        /// The console did not take the command.
        case usage(String)
    }

    public let verb: Verb
    public let target: String
    /// The target and every resource the server stopped with it, in the order seen.
    public private(set) var expected: [String]
    public private(set) var loaded: [String] = []
    public private(set) var failed: [String] = []
    public private(set) var stopped: [String] = []
    /// Resources a line said went wrong while loading: their load fails even when they start.
    public private(set) var erred: [String] = []
    /// The line to type.
    public let command: String
    /// Whether the server loads the dependents it stopped again by itself, so the command is over
    /// only once they are back (alt:V); else it is over with the target, and they are `missing`.
    public let awaitsDependents: Bool

    public init(_ verb: Verb, _ target: String, on platform: any ServerPlatform = AltVPlatform()) {
        self.verb = verb
        self.target = target
        expected = [target]
        command = platform.consoleLine(verb, target)
        awaitsDependents = platform.reloadsDependents
    }

    /// Feeds one of the server's lines; a verdict once the command is over.
    public mutating func observe(_ line: ResourceLine) -> Verdict? {
        switch line {
        case .stopping(let name):
            if !expected.contains(name) { expected.append(name) }
        case .stopped(let name) where verb == .stop && expected.contains(name):
            if !stopped.contains(name) { stopped.append(name) }
            return expected.allSatisfy(stopped.contains) ? .stopped(stopped) : nil
        case .loadError(let name, _) where expected.contains(name):
            if !erred.contains(name) { erred.append(name) }
            return nil
        case .loaded(let name) where expected.contains(name) && erred.contains(name):
            if !failed.contains(name) { failed.append(name) }
        case .loaded(let name) where expected.contains(name):
            if !loaded.contains(name) { loaded.append(name) }
            failed.removeAll { $0 == name }
        case .failed(let name) where expected.contains(name):
            if !failed.contains(name) { failed.append(name) }
            // With the target gone its dependents have nothing to load against: done now.
            if name == target { return .done(loaded: loaded, failed: failed) }
        case .notLoaded(let name) where name == target && verb != .start:
            return .notLoaded
        case .alreadyLoaded where verb == .start:
            return .alreadyLoaded
        case .usage(let text):
            return .usage(text)
        default:
            return nil
        }
        guard verb != .stop else { return nil }
        let settled = (awaitsDependents ? expected : [target]).allSatisfy { loaded.contains($0) || failed.contains($0) }
        return settled ? .done(loaded: loaded, failed: failed) : nil
    }

    /// The resources the server stopped with the target and has not loaded again (yet).
    public var missing: [String] { expected.filter { !loaded.contains($0) && !failed.contains($0) } }
}
