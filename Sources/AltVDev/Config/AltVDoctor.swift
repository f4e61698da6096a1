import FoundationEssentials
import TOML

/// A problem in the alt:V project itself that makes the loop fail for reasons users rarely guess,
/// placed in the file that has it, with the fix.
public struct DoctorFinding: Equatable, Sendable, CustomStringConvertible {
    public var file: String
    public var line: Int
    public var column: Int
    public var message: String
    public var fix: String

    /// `file:line:column: warning: message`, then the fix: the shape editors turn into links.
    public var description: String { "\(file):\(line):\(column): warning: \(message)\n  fix: \(fix)" }
}

/// `check`'s alt:V doctor: reads `server.toml` and the resources folder the way the server will.
public struct AltVDoctor {
    /// What the doctor reads of the config: a plan's settings carry the same.
    struct Project {
        var directory: String
        var server: ServerSettings
        var stages: [StageSettings]
    }

    let config: Project
    let serverToml: String
    let table: TOMLTable
    let resourcesDir: String
    /// The stages have run: a file their outputs name that is not there was not built, and is said.
    var afterBuild = false
    /// altv-dev reconnects the client: a resource that does it too is said.
    var reconnectEnabled = false

    /// Nil when there is no readable, valid `server.toml` (`check` says so on its own).
    public init?(config: Config) {
        self.init(directory: config.directory, server: config.server, stages: config.stages)
        reconnectEnabled = config.reconnect.enabled
    }

    public init?(directory: String, server: ServerSettings, stages: [StageSettings]) {
        serverToml = server.serverToml
        guard let text = try? String(contentsOfFile: serverToml, encoding: .utf8), let table = try? TOMLParser.parse(text) else { return nil }
        config = Project(directory: directory, server: server, stages: stages)
        self.table = table
        resourcesDir = server.resourcesDir
    }

    /// The doctor of the config's platform: alt:V's, or FXServer's.
    public static func findings(for config: Config) -> [DoctorFinding] {
        config.server.platform.platform.doctorFindings(for: config)
    }

    /// Once the first build ran: each `main` or `client-main` its stages should have written and did not
    /// (MSBuild named the DLL otherwise, say). Before it, those are left unsaid.
    public static func unbuiltEntryFiles(directory: String, server: ServerSettings, stages: [StageSettings]) -> [DoctorFinding] {
        guard server.platform == .altv, var doctor = AltVDoctor(directory: directory, server: server, stages: stages) else { return [] }
        doctor.afterBuild = true
        return doctor.missingEntryFiles(doctor.loadedManifests()).filter { $0.message.contains("was not written by stage") }
    }

    public func findings() -> [DoctorFinding] {
        let manifests = loadedManifests()
        let all: [[DoctorFinding]] = [
            debugMode(), unlistedResources(), listedWithoutFolder(), missingEntryFiles(manifests), moduleMismatches(manifests), dependencies(),
            containerizer(), cdn(), modules(), ownReconnects(manifests), sourceMaps(manifests),
        ]
        return all.flatMap { $0 }
    }

    // MARK: Places

    func finding(_ node: TOMLNode?, in file: String, _ message: String, fix: String) -> DoctorFinding {
        let start = node?.keyRange?.start ?? node?.range.start
        return DoctorFinding(file: file, line: start?.line ?? 1, column: start?.column ?? 1, message: message, fix: fix)
    }

    func shown(_ path: String) -> String { PathFilter.relative(path, to: config.directory).map { $0.isEmpty ? "." : $0 } ?? path }

    // MARK: server.toml

    func debugMode() -> [DoctorFinding] {
        let node = table["debug"]
        guard node?.value.boolean != true else { return [] }
        return [finding(node, in: serverToml, (node == nil ? "debug is not set" : "debug is not true")
            + ": the client's auto-reconnect (POST /reconnect) only works when server and client run in debug mode",
            fix: "debug = true here, and in the game client's altv.toml")]
    }

    /// The `resources` entries as written, with their places.
    var listed: [(name: String, node: TOMLNode)] {
        (table["resources"]?.value.array ?? []).compactMap { node in node.value.string.map { ($0, node) } }
    }

    /// The resources the server loads: those listed, or every resource folder with `"*"` (since v15).
    var loaded: [String] {
        listed.contains { $0.name == "*" } ? ResourceFolders.find(in: resourcesDir) : listed.map(\.name)
    }

    /// A folder with only `dlc.rpf` is a resource without a resource.toml (since v15).
    func isRPFOnly(_ folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/dlc.rpf") && !FileManager.default.fileExists(atPath: folder + "/resource.toml")
    }

    func unlistedResources() -> [DoctorFinding] {
        let names = Set(listed.map(\.name))
        guard !names.contains("*") else { return [] }
        return ResourceFolders.find(in: resourcesDir).filter { !names.contains($0) }.map { name in
            finding(
                table["resources"], in: serverToml,
                "resource \(name) (\(shown(resourcesDir + "/" + name))) is not in resources: the server never loads it, so saving it restarts for nothing",
                fix: "add \"\(name)\" to resources, or ignore its folder under [watch] in altv-dev.toml")
        }
    }

    /// Paths a stage writes (its outputs): there once the first build ran, so not missing before it.
    func stageBuilding(_ path: String) -> String? {
        config.stages.first { !$0.outputs.isEmpty && GlobSet(base: config.directory, patterns: $0.outputs).matches(path) }?.name
    }

    func listedWithoutFolder() -> [DoctorFinding] {
        listed.filter { name, _ in
            let manifest = resourcesDir + "/" + name + "/resource.toml"
            return name != "*" && !FileManager.default.fileExists(atPath: manifest) && stageBuilding(manifest) == nil
                && !isRPFOnly(resourcesDir + "/" + name)
        }.map { name, node in
            let folder = resourcesDir + "/" + name
            if FileManager.default.fileExists(atPath: folder + "/resource.cfg") {
                return finding(
                    node, in: serverToml, "resource \(name) has a resource.cfg, alt:V's manifest before v13, and no resource.toml: this server reads only resource.toml",
                    fix: "write \(shown(folder))/resource.toml with the same keys in TOML (type = \"js\", main = \"…\")")
            }
            return finding(
                node, in: serverToml, "resource \(name) has no folder with a resource.toml in \(shown(resourcesDir)): the server will not start with it",
                fix: "create \(shown(folder))/resource.toml, or remove \"\(name)\" from resources")
        }
    }

    func containerizer() -> [DoctorFinding] {
        guard let node = table["resourceContainerizerMode"], node.value.boolean == true, config.server.onChange == .restartResources else { return [] }
        return [finding(
            node, in: serverToml,
            "resourceContainerizerMode = true: a restarted resource can keep running its old code, so on_change = \"restart-resources\" cannot be trusted",
            fix: "resourceContainerizerMode = false while developing, or on_change = \"restart\" under [server] in altv-dev.toml")]
    }

    func cdn() -> [DoctorFinding] {
        guard let node = table["useCdn"], node.value.boolean == true else { return [] }
        return [finding(
            node, in: serverToml, "useCdn = true: the client downloads resources from the CDN (cdnUrl), so after a restart it gets the old files",
            fix: "useCdn = false while developing")]
    }

    func modules() -> [DoctorFinding] {
        let folder = config.server.cwd + "/modules"
        return (table["modules"]?.value.array ?? []).compactMap { node -> DoctorFinding? in
            guard let name = node.value.string else { return nil }
            let candidates = ["\(name)/lib\(name).so", "lib\(name).so", "\(name)/\(name).dll", "\(name).dll"]
            guard !candidates.contains(where: { FileManager.default.fileExists(atPath: folder + "/" + $0) }) else { return nil }
            return finding(
                node, in: serverToml, "module \(name) is not in \(shown(folder)) (looked for \(candidates.prefix(2).joined(separator: ", ")))",
                fix: "download it with the server (npx altv-pkg release), or remove \"\(name)\" from modules")
        }
    }

    // MARK: resource.toml

    /// A loaded resource's resource.toml, read and parsed once for every check that looks inside it.
    struct Manifest {
        let name: String
        let folder: String
        var path: String { folder + "/resource.toml" }
        let parsed: Result<TOMLTable, TOMLError>
    }

    /// The manifests of the resources the server loads; a folder without a readable one is left out.
    func loadedManifests() -> [Manifest] {
        loaded.compactMap { name in
            let folder = resourcesDir + "/" + name
            guard let text = try? String(contentsOfFile: folder + "/resource.toml", encoding: .utf8) else { return nil }
            do throws(TOMLError) {
                return Manifest(name: name, folder: folder, parsed: .success(try TOMLParser.parse(text)))
            } catch {
                return Manifest(name: name, folder: folder, parsed: .failure(error))
            }
        }
    }

    /// An invalid manifest, placed; a `main` or `client-main` that names no file.
    func missingEntryFiles(_ manifests: [Manifest]) -> [DoctorFinding] {
        var findings: [DoctorFinding] = []
        for manifest in manifests {
            let (name, folder) = (manifest.name, manifest.folder)
            let resource: TOMLTable
            switch manifest.parsed {
            case .success(let table): resource = table
            case .failure(let error):
                findings.append(DoctorFinding(
                    file: manifest.path, line: error.line, column: error.column,
                    message: "\(error.message): the server will not load \(name)", fix: error.fix ?? "fix resource.toml at that place"))
                continue
            }
            for key in ["main", "client-main"] {
                guard let node = resource[key], let file = node.value.string else { continue }
                let path = FilePath.resolve(file, against: folder)
                if FileManager.default.fileExists(atPath: path) { continue }
                // A stage writes it: it is there once the first build ran, and said only if it is not.
                if let stage = stageBuilding(path) {
                    guard afterBuild else { continue }
                    findings.append(finding(
                        node, in: manifest.path, "\(key) = \"\(file)\": no such file in \(shown(folder)); it was not written by stage \(stage), which ran",
                        fix: "make \(stage) write \(shown(path)) (see what it wrote there), or point \(key) at the file it builds"))
                    continue
                }
                findings.append(finding(
                    node, in: manifest.path, "\(key) = \"\(file)\": no such file in \(shown(folder))",
                    fix: "fix the path, or add a stage that builds it (its outputs naming \(shown(path)))"))
            }
        }
        return findings
    }
}

extension AltVDoctor {
    /// A resource whose `type` or `client-type` needs a module that `modules` does not list: the
    /// server would not load it.
    func moduleMismatches(_ manifests: [Manifest]) -> [DoctorFinding] {
        let modules = Set((table["modules"]?.value.array ?? []).compactMap { $0.value.string })
        let needs: [(key: String, value: String, module: String)] = [
            ("type", "csharp", "csharp-module"), ("type", "jsv2", "js-module-v2"), ("client-type", "jsb", "js-bytecode-module"),
        ]
        var findings: [DoctorFinding] = []
        for manifest in manifests {
            guard case .success(let resource) = manifest.parsed else { continue }
            for need in needs where resource[need.key]?.value.string == need.value && !modules.contains(need.module) {
                findings.append(finding(
                    resource[need.key], in: manifest.path, "\(need.key) = \"\(need.value)\" needs \(need.module), which modules in \(shown(serverToml)) does not list",
                    fix: "add \"\(need.module)\" to modules in \(shown(serverToml))"))
            }
        }
        return findings
    }

    /// `deps` that name no resource, dependency cycles, and a dependency listed after its dependent in
    /// `server.toml` (the server loads in that order: the dependent would load before what it needs).
    func dependencies() -> [DoctorFinding] {
        let folders = Set(ResourceFolders.find(in: resourcesDir))
        var findings: [DoctorFinding] = []
        for name in folders.sorted() {
            let manifest = resourcesDir + "/" + name + "/resource.toml"
            guard let text = try? String(contentsOfFile: manifest, encoding: .utf8), let resource = try? TOMLParser.parse(text),
                let nodes = resource["deps"]?.value.array
            else { continue }
            for node in nodes {
                guard let dependency = node.value.string, !folders.contains(dependency) else { continue }
                findings.append(finding(
                    node, in: manifest, "deps names \"\(dependency)\", which is no resource in \(shown(resourcesDir)): the server will not load \(name)",
                    fix: "fix the name, or create \(shown(resourcesDir + "/" + dependency))/resource.toml"))
            }
        }
        let graph = ResourceGraph.read(resourcesDir: resourcesDir)
        for cycle in graph.cycles() {
            let manifest = resourcesDir + "/" + cycle[0] + "/resource.toml"
            findings.append(DoctorFinding(
                file: manifest, line: 1, column: 1, message: "the deps form a cycle: \(cycle.joined(separator: " → ")); the server cannot load any of them",
                fix: "remove one of these deps"))
        }
        let order = listed.map(\.name)
        for (index, entry) in listed.enumerated() {
            for dependency in graph.deps[entry.name] ?? [] {
                guard let position = order.firstIndex(of: dependency), position > index else { continue }
                findings.append(finding(
                    entry.node, in: serverToml,
                    "\(entry.name) is listed before \(dependency), which it depends on (deps in \(shown(resourcesDir + "/" + entry.name))/resource.toml)",
                    fix: "list \"\(dependency)\" before \"\(entry.name)\" in resources"))
            }
        }
        return findings
    }
}

/// The resource folders under `resources_dir`: each folder with a `resource.toml`, named by its
/// path (`maps/island`); a resource holds no other resources, so the walk stops there.
enum ResourceFolders {
    /// The folders below `root` (relative) that hold one of the platform's manifests.
    static func find(in root: String, platform: any ServerPlatform = AltVPlatform(), maxDepth: Int = 4) -> [String] {
        var found: [String] = []
        func walk(_ relative: String, depth: Int) {
            let folder = relative.isEmpty ? root : root + "/" + relative
            if !relative.isEmpty, platform.hasManifest(folder) {
                found.append(relative)
                return
            }
            guard depth < maxDepth else { return }
            let entries = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
            for entry in entries.sorted() where !entry.hasPrefix(".") && entry != "node_modules" {
                let path = folder + "/" + entry
                guard FilePath.isDirectory(path) else { continue }
                walk(relative.isEmpty ? entry : relative + "/" + entry, depth: depth + 1)
            }
        }
        walk("", depth: 0)
        return found
    }
}
