import FoundationEssentials

/// What `init` reads of a project's package.json: the package manager its lock file names, and
/// what its scripts say about building the resources and starting the server.
public struct NodeProject: Equatable, Sendable {
    public enum Manager: String, Equatable, Sendable {
        case npm, pnpm, yarn

        /// The lock file that names it, looked for in this order.
        static let lockFiles: [(String, Manager)] = [("pnpm-lock.yaml", .pnpm), ("yarn.lock", .yarn), ("package-lock.json", .npm)]
    }

    public var manager: Manager
    /// Which lock file named the manager (nil: none, npm assumed).
    public var lockFile: String?
    public var scripts: [String: String]
    /// `dependencies` and `devDependencies`.
    public var dependencies: Set<String>

    public init(manager: Manager = .npm, lockFile: String? = nil, scripts: [String: String] = [:], dependencies: Set<String> = []) {
        self.manager = manager
        self.lockFile = lockFile
        self.scripts = scripts
        self.dependencies = dependencies
    }

    /// Reads `package.json` in `directory`; nil without one (or when it is no JSON object).
    public static func read(in directory: String) -> NodeProject? {
        guard let data = FileManager.default.contents(atPath: FilePath.join(directory, "package.json")),
            let package = try? JSONDecoder().decode(PackageJSON.self, from: data)
        else { return nil }
        var project = NodeProject(
            scripts: package.scripts ?? [:], dependencies: Set((package.dependencies ?? [:]).keys).union((package.devDependencies ?? [:]).keys))
        if let (file, manager) = Manager.lockFiles.first(where: { FileManager.default.fileExists(atPath: FilePath.join(directory, $0.0)) }) {
            (project.lockFile, project.manager) = (file, manager)
        }
        return project
    }

    struct PackageJSON: Decodable {
        var scripts: [String: String]?
        var dependencies: [String: String]?
        var devDependencies: [String: String]?
    }

    /// `pnpm run build`, `yarn run build`, `npm run build`.
    public func run(_ script: String) -> String { "\(manager.rawValue) run \(script)" }

    /// The command that builds the resources, and the script it comes from: the `build` script;
    /// else what a script runs before the server (`node ./scripts/compile.js && ./altv-server`).
    public var build: (command: String, script: String)? {
        if scripts["build"] != nil { return (run("build"), "build") }
        for name in scripts.keys.sorted() {
            guard let line = scripts[name], let start = Self.serverStart(in: line) else { continue }
            let before = start.segment == 0 ? "" : Self.segments(line)[..<start.segment].joined(separator: " && ")
            if !before.isEmpty { return (before, name) }
        }
        return nil
    }

    /// What a script hands `altv-server` beside its name, when it names a config (`--config server-dev.toml`).
    public var serverArguments: (arguments: [String], script: String)? {
        for name in scripts.keys.sorted() {
            if let line = scripts[name], let start = Self.serverStart(in: line), start.arguments.contains("--config") {
                return (start.arguments, name)
            }
        }
        return nil
    }

    /// A script that runs a dev server with hot reload (Vite): worth running beside the server.
    public var devServerScript: String? {
        ["dev", "serve", "start"].first { name in scripts[name].map { $0.hasPrefix("vite") && !$0.contains(" build") } ?? false }
    }

    /// The build's own code folders: those its script's text names, and those of the scripts it runs by name.
    public func buildCodeFolders(_ build: (command: String, script: String)) -> [String] {
        let text = scripts[build.script] ?? build.command
        var folders = Self.codeFolders(of: text)
        let words = Set(text.split(whereSeparator: { $0 == " " || $0 == "\"" }).map(String.init))
        for (name, line) in scripts.sorted(by: { $0.key < $1.key }) where name != build.script && words.contains(name) {
            folders += Self.codeFolders(of: line).filter { !folders.contains($0) }
        }
        return folders
    }

    /// The folders a build command runs code from (`node ./scripts/compile.js` → `scripts`):
    /// a save there changes the build.
    public static func codeFolders(of command: String) -> [String] {
        var folders: [String] = []
        for word in command.split(whereSeparator: { $0 == " " || $0 == "\"" || $0 == "'" }) {
            var path = Substring(word)
            if path.hasPrefix("./") { path = path.dropFirst(2) }
            guard let slash = path.firstIndex(of: "/"), slash != path.startIndex, !path.hasPrefix("-"), !path.contains(":") else { continue }
            let folder = String(path[..<slash])
            if folder != "node_modules", folder != "..", !folders.contains(folder) { folders.append(folder) }
        }
        return folders
    }

    /// Where a shell line starts `altv-server`: the index of its `&&`/`;` segment and the arguments after the name.
    static func serverStart(in line: String) -> (segment: Int, arguments: [String])? {
        for (index, segment) in segments(line).enumerated() {
            let words = segment.split(separator: " ").map(String.init)
            guard let first = words.first, ["altv-server", "altv-server.exe"].contains(FilePath.name(first)) else { continue }
            return (index, Array(words.dropFirst()))
        }
        return nil
    }

    /// A line cut at `&&` and `;`, each part trimmed.
    static func segments(_ line: String) -> [String] {
        line.replacing("&&", with: ";").split(separator: ";").map { String($0.drop { $0 == " " }.reversed().drop { $0 == " " }.reversed()) }
            .filter { !$0.isEmpty }
    }

    /// The arguments a start script (`server-dev.bat`, `start.sh`) beside server.toml hands altv-server,
    /// when it names a config; a script with "dev" in its name first.
    public static func serverArguments(inScriptsOf directory: String) -> (arguments: [String], script: String)? {
        let names = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? [])
            .filter { name in [".sh", ".bat", ".cmd"].contains { name.hasSuffix($0) } }
            .sorted { ($0.contains("dev") ? 0 : 1, $0) < ($1.contains("dev") ? 0 : 1, $1) }
        for name in names {
            guard let data = FileManager.default.contents(atPath: FilePath.join(directory, name)), data.count < 65536 else { continue }
            for line in String(decoding: data, as: UTF8.self).split(whereSeparator: \.isNewline) {
                if let start = serverStart(in: String(line)), start.arguments.contains("--config") { return (start.arguments, name) }
            }
        }
        return nil
    }
}
