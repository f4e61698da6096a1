/// Which resources the server has loaded, read from its own lines (at start, at every restart,
/// whoever typed the command), and what it printed for each resource that failed to load.
public struct LoadedResources: Equatable, Sendable {
    /// In the order they were loaded.
    public private(set) var loaded: [String] = []
    /// Every resource the server tried to load: the ones it is meant to run.
    public private(set) var attempted: Set<String> = []
    /// What the server printed between `Loading resource X` and `Failed to load resource X` (a JS
    /// error block comes unprefixed, before the failure line), for the last failed load of each.
    public private(set) var errors: [String: [String]] = [:]
    /// Resources loading now, the innermost last (a `start` may load a dependency first).
    private var loading: [(name: String, lines: [String])] = []
    /// What went wrong in a load not over yet (FXServer's script errors come before `Started`).
    private var loadErrors: [String: [String]] = [:]

    /// Lines kept for one failed load: enough for an error and its first stack frames.
    public static let keptErrorLines = 30

    public init() {}

    public static func == (a: LoadedResources, b: LoadedResources) -> Bool {
        a.loaded == b.loaded && a.attempted == b.attempted && a.errors == b.errors && a.loading.map(\.name) == b.loading.map(\.name)
    }

    /// A resource is loading: lines that are no resource line belong to it.
    public var isLoading: Bool { !loading.isEmpty }

    public func isLoaded(_ name: String) -> Bool { loaded.contains(name) }

    /// `name` as a failed load, with what the server printed for it.
    public func failure(of name: String) -> FailedResource {
        FailedResource(name: name, lines: errors[name] ?? [])
    }

    /// Follows one fact; the resource whose load it ended in failure, if it did (one that runs
    /// with a script that did not load is such a one too).
    @discardableResult
    public mutating func apply(_ line: ResourceLine) -> String? {
        switch line {
        case .loading(let name):
            attempted.insert(name)
            loading.append((name, []))
        case .loaded(let name):
            let lines = loading.last(where: { $0.name == name })?.lines ?? []
            loading.removeAll { $0.name == name }
            attempted.insert(name)
            if !loaded.contains(name) { loaded.append(name) }
            guard let problems = loadErrors.removeValue(forKey: name) else {
                errors.removeValue(forKey: name)
                return nil
            }
            errors[name] = Array((lines + problems).prefix(Self.keptErrorLines))
            return name
        case .failed(let name):
            let lines = (loading.last(where: { $0.name == name })?.lines ?? []) + (loadErrors.removeValue(forKey: name) ?? [])
            loading.removeAll { $0.name == name }
            attempted.insert(name)
            errors[name] = Array(lines.prefix(Self.keptErrorLines))
            loaded.removeAll { $0 == name }
            return name
        case .loadError(let name, let message):
            if loadErrors[name, default: []].count < Self.keptErrorLines { loadErrors[name, default: []].append(message) }
        case .stopped(let name):
            loaded.removeAll { $0 == name }
        case .notLoaded(let name):
            loaded.removeAll { $0 == name }
        case .stopping, .alreadyLoaded, .usage:
            break
        }
        return nil
    }

    /// A line that is no resource line, printed while a resource loads.
    public mutating func capture(_ text: String) {
        guard !loading.isEmpty, loading[loading.count - 1].lines.count < Self.keptErrorLines else { return }
        loading[loading.count - 1].lines.append(text)
    }
}
