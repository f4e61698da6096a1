import FoundationEssentials

/// `check`'s FXServer doctor (`shared/fivem/README.md`): reads server.cfg (its includes too) and
/// every resource's manifest the way the server will, and says what makes a loop fail, at its place.
public struct FXServerDoctor {
    struct Resource {
        var name: String
        var folder: String
        var manifestPath: String
        var manifest: FXManifest
    }

    let directory: String
    let server: ServerSettings
    let stages: [StageSettings]
    let cfgPath: String
    let cfg: ServerCfg
    let resources: [Resource]

    public init(directory: String, server: ServerSettings, stages: [StageSettings] = []) {
        self.directory = directory
        self.server = server
        self.stages = stages
        let platform = FXServerPlatform(kind: server.platform)
        resources = ResourceFolders.find(in: server.resourcesDir, platform: platform).compactMap { folder in
            let path = FilePath.join(server.resourcesDir, folder)
            return platform.manifest(in: path).map { Resource(name: platform.resourceName(ofFolder: folder), folder: path, manifestPath: $0.path, manifest: $0.manifest) }
        }
        cfgPath = ServerCfg.path(command: server.command, cwd: server.cwd)
        let byName = Dictionary(resources.map { ($0.name, $0.folder) }) { first, _ in first }
        cfg = ServerCfg.read(at: cfgPath) { byName[$0] }
    }

    public func findings() -> [DoctorFinding] {
        guard FileManager.default.fileExists(atPath: cfgPath) else {
            return [DoctorFinding(
                file: cfgPath, line: 1, column: 1, message: "no \(shown(cfgPath)): the command's +exec names it, and FXServer starts nothing without it",
                fix: "write it (ensure lines for your resources), or name the right file after +exec")]
        }
        return [includes(), ensuredWithoutFolder(), neverEnsured(), manifests(), license(), console(), game()].flatMap { $0 }
    }

    func shown(_ path: String) -> String { PathFilter.relative(path, to: directory).map { $0.isEmpty ? "." : $0 } ?? path }

    private func at(_ place: ServerCfg.Place, _ message: String, fix: String) -> DoctorFinding {
        DoctorFinding(file: place.file, line: place.line, column: 1, message: message, fix: fix)
    }

    private var names: Set<String> { Set(resources.map(\.name)) }
    /// What `provide` stands in for (`provide 'qb-core'`): a dependency on it is met.
    private var provided: Set<String> { Set(resources.flatMap { $0.manifest.values("provide") }) }

    private func includes() -> [DoctorFinding] {
        cfg.missing.map { at($0.place, "exec \(shown($0.file)): no such file, so what it would ensure or set is not", fix: "fix the path, or remove the line") }
    }

    private func ensuredWithoutFolder() -> [DoctorFinding] {
        cfg.started.compactMap { entry in
            let platform = server.platform.platform
            if platform.isCategory(entry.name) {
                let exists = FilePath.isDirectory(FilePath.join(server.resourcesDir, entry.name))
                    || resources.contains { $0.folder.contains("/" + entry.name + "/") }
                return exists ? nil : at(entry.place, "category \(entry.name) has no folder in \(shown(server.resourcesDir))", fix: "fix the name, or remove the line")
            }
            guard !names.contains(entry.name) else { return nil }
            return at(
                entry.place, "resource \(entry.name) has no folder with \(platform.manifestNames[0]) in \(shown(server.resourcesDir)): the server says Couldn't find resource \(entry.name).",
                fix: "fix the name, or create \(shown(FilePath.join(server.resourcesDir, entry.name)))/\(platform.manifestNames[0])")
        }
    }

    /// Resources the config never starts, directly, through a category or as a dependency: a save
    /// there makes altv-dev ensure them, which the server's own start would not.
    private func neverEnsured() -> [DoctorFinding] {
        var started = Set(cfg.started.map(\.name))
        let categories = cfg.started.map(\.name).filter(server.platform.platform.isCategory)
        var next = resources.filter { resource in started.contains(resource.name) || categories.contains { resource.folder.contains("/" + $0 + "/") } }
        while let resource = next.popLast() {
            started.insert(resource.name)
            next += resources.filter { !started.contains($0.name) && resource.manifest.dependencies.contains($0.name) }
        }
        return resources.filter { !started.contains($0.name) && $0.name != FXServerPlatform.helperName }.map { resource in
            DoctorFinding(
                file: resource.manifestPath, line: 1, column: 1,
                message: "resource \(resource.name) is not ensured in \(shown(cfgPath)): the server does not start it, but a save in it makes altv-dev ensure it",
                fix: "add `ensure \(resource.name)` to \(shown(cfgPath)), or ignore \(shown(resource.folder))/ under [watch] in altv-dev.toml")
        }
    }

    private func manifests() -> [DoctorFinding] {
        resources.flatMap { resource -> [DoctorFinding] in
            var found = resource.manifest.problems.map { problem in
                DoctorFinding(
                    file: resource.manifestPath, line: problem.line, column: problem.column, message: "\(problem.message); altv-dev reads the rest of the file",
                    fix: "write directives with quoted values (server_script 'x.lua'); a save of this file still refreshes and ensures the resource")
            }
            if resource.manifest.values("fx_version").isEmpty, resource.manifestPath.hasSuffix("fxmanifest.lua") {
                found.append(DoctorFinding(
                    file: resource.manifestPath, line: 1, column: 1, message: "no fx_version: the server refuses the resource (Couldn't start resource \(resource.name).)",
                    fix: "add fx_version 'cerulean' as the first line"))
            }
            return found + missingScripts(resource) + unknownDependencies(resource)
        }
    }

    /// Scripts named plainly (no glob, not in another resource) that are not there; a stage's outputs may build them.
    private func missingScripts(_ resource: Resource) -> [DoctorFinding] {
        let directives = ["server_script", "server_scripts", "client_script", "client_scripts", "shared_script", "shared_scripts"]
        return resource.manifest.entries.filter { directives.contains($0.directive) }.flatMap { entry in
            entry.values.filter { !$0.hasPrefix("@") && !$0.contains("*") && !$0.contains("?") }
                .filter { !FileManager.default.fileExists(atPath: FilePath.join(resource.folder, $0)) && !builtByStage(FilePath.join(resource.folder, $0)) }
                .map { file in
                    DoctorFinding(
                        file: resource.manifestPath, line: entry.line, column: entry.column, message: "\(entry.directive) '\(file)': no such file in \(shown(resource.folder))",
                        fix: "fix the path, or build it in a [[stage]] whose outputs name it")
                }
        }
    }

    private func builtByStage(_ path: String) -> Bool {
        stages.contains { !$0.outputs.isEmpty && GlobSet(base: directory, patterns: $0.outputs).matches(path) }
    }

    private func unknownDependencies(_ resource: Resource) -> [DoctorFinding] {
        let entries = resource.manifest.entries.filter { $0.directive == "dependency" || $0.directive == "dependencies" }
        return entries.flatMap { entry in
            entry.values.filter { !$0.hasPrefix("/") && !names.contains($0) && !provided.contains($0) }.map { name in
                DoctorFinding(
                    file: resource.manifestPath, line: entry.line, column: entry.column,
                    message: "dependency \(name) is no resource in \(shown(server.resourcesDir)): the server will not start \(resource.name) (Could not find dependency \(name) for resource \(resource.name).)",
                    fix: "add the resource, or fix the name")
            }
        }
    }

    /// No key and no `sv_lan`: the server stops at the license check, before any resource starts.
    private func license() -> [DoctorFinding] {
        let lan = ["1", "true"].contains(cfg.variables["sv_lan"]?.lowercased() ?? "")
        guard !lan, (cfg.variables["sv_licenseKey"] ?? "").isEmpty else { return [] }
        return [DoctorFinding(
            file: cfgPath, line: 1, column: 1, message: "no sv_licenseKey: the server stops at its license check, before any resource starts",
            fix: "set sv_licenseKey \"cfxk_…\" (a key from portal.cfx.re), or sv_lan 1 for a local loop: it skips the check, but players then get no license: or fivem: identifiers, which ESX/QBX-style frameworks key players on")]
    }

    private func console() -> [DoctorFinding] {
        guard ["1", "true"].contains(cfg.variables["con_disableNonTTYReads"]?.lowercased() ?? "") else { return [] }
        return [DoctorFinding(
            file: cfgPath, line: 1, column: 1, message: "con_disableNonTTYReads is on: the server ignores its console when stdin is no terminal, so altv-dev's ensure never arrives",
            fix: "remove the line, or set con_disableNonTTYReads false")]
    }

    /// RedM is `set gamename rdr3`; its manifests need `rdr3_warning` and `game 'rdr3'`.
    private func game() -> [DoctorFinding] {
        let rdr3 = cfg.variables["gamename"] == "rdr3"
        if rdr3 != (server.platform == .redm) {
            return [DoctorFinding(
                file: cfgPath, line: 1, column: 1,
                message: rdr3 ? "set gamename rdr3 runs RedM, but [server] platform is \"\(server.platform.rawValue)\"" : "[server] platform is \"redm\", but this config does not set gamename rdr3",
                fix: rdr3 ? "set [server] platform = \"redm\" in altv-dev.toml" : "add `set gamename rdr3` here, or set platform = \"fivem\"")]
        }
        guard rdr3 else { return [] }
        return resources.filter { $0.name != FXServerPlatform.helperName && $0.manifest.values("rdr3_warning").isEmpty }.map { resource in
            DoctorFinding(
                file: resource.manifestPath, line: 1, column: 1, message: "no rdr3_warning: RedM refuses the resource",
                fix: "add rdr3_warning with the exact text RedM asks for, and game 'rdr3'")
        }
    }
}
