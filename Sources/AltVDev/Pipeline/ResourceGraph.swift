import FoundationEssentials
import TOML

/// Which resources depend on which, from every manifest (alt:V's `deps`, FXServer's
/// `dependencies`). Restarting a resource restarts its dependents (the server or altv-dev brings
/// them back), so a change set is restarted as its roots only: a change to `other` and to
/// `dependent` is one `restart other`.
public struct ResourceGraph: Equatable, Sendable {
    /// Each resource's `deps`, as written.
    public private(set) var deps: [String: [String]]

    public init(deps: [String: [String]] = [:]) {
        self.deps = deps
    }

    /// Reads the dependencies from the manifest of every resource folder under `resourcesDir`; a
    /// manifest that cannot be read adds nothing (`check` reports it).
    public static func read(resourcesDir: String, platform: any ServerPlatform = AltVPlatform()) -> ResourceGraph {
        var deps: [String: [String]] = [:]
        for folder in ResourceFolders.find(in: resourcesDir, platform: platform) {
            guard let found = platform.dependencies(ofResourceIn: resourcesDir + "/" + folder) else { continue }
            deps[platform.resourceName(ofFolder: folder)] = found
        }
        return ResourceGraph(deps: deps)
    }

    /// Every resource `name` depends on, directly or through another.
    public func dependencies(of name: String) -> Set<String> {
        var seen: Set<String> = []
        var next = deps[name] ?? []
        while let dependency = next.popLast() {
            if seen.insert(dependency).inserted { next += deps[dependency] ?? [] }
        }
        return seen
    }

    /// Every resource that depends on `name`, directly or through another, sorted by name.
    public func dependents(of name: String) -> [String] {
        deps.keys.filter { $0 != name && dependencies(of: $0).contains(name) }.sorted()
    }

    /// `names` without those that depend on another of them: restarting the rest restarts them too.
    /// In a cycle none depends on "another" more than the rest, so the first written stays.
    public func roots(of names: [String]) -> [String] {
        var roots: [String] = []
        for name in names where !roots.contains(name) {
            let below = dependencies(of: name)
            let coveredByEarlier = roots.contains { below.contains($0) }
            let coveredByLater = names.contains { $0 != name && below.contains($0) && !dependencies(of: $0).contains(name) }
            if !coveredByEarlier && !coveredByLater { roots.append(name) }
        }
        return roots
    }

    /// Dependency cycles, each once, as the path that closes it (`a → b → a`), for `check`.
    public func cycles() -> [[String]] {
        var found: [[String]] = []
        var reported: Set<Set<String>> = []
        for start in deps.keys.sorted() {
            var path = [start]
            func walk(_ node: String) {
                for next in deps[node] ?? [] {
                    if next == start {
                        let members = Set(path)
                        if reported.insert(members).inserted { found.append(path + [start]) }
                    } else if !path.contains(next), next > start {
                        path.append(next)
                        walk(next)
                        path.removeLast()
                    }
                }
            }
            walk(start)
        }
        return found
    }
}
