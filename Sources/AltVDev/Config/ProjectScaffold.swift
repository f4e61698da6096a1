import FoundationEssentials

/// Writes a first `altv-dev.toml` for an alt:V server folder, from what is found there.
public struct ProjectScaffold {
    public let directory: String
    /// Where WSL is looked for: under WSL2 the FiveM client is reached through Windows' link handler.
    let wslProbe: WSLEnvironment.Probe

    public init(directory: String, wslProbe: WSLEnvironment.Probe = WSLEnvironment.Probe()) {
        self.directory = directory
        self.wslProbe = wslProbe
    }

    /// What was found, and what the file will say about it.
    public struct Findings: Equatable, Sendable {
        public var serverBinary: String?
        /// What a start script hands the server (`--config server-dev.toml`), and which script.
        public var serverArguments: [String] = []
        public var serverArgumentsFrom: String?
        public var hasServerToml = false
        public var debug = false
        public var resources: [String] = []
        public var hasResourcesFolder = false
        public var node: NodeProject?
        /// The command that builds the resources, and the package.json script it comes from.
        public var buildScript: String?
        public var buildFrom: String?
        public var typeScript = false
        public var hasSourceFolder = false
        /// Folders whose files the build reads: src/, webview folders, the build's own code.
        public var sourceFolders: [String] = []
        /// Resources written in TypeScript the alt:V way: `src/<name>/resource.toml` beside `server/index.ts`.
        public var typeScriptResources: [String] = []
        /// A `.env` beside server.toml.
        public var dotEnv = false
        /// A dev server with hot reload (Vite): its folder and command.
        public var devServer: (folder: String, command: String)?
        /// `.sln`, else `.csproj` files (relative), for `dotnet build`.
        public var dotnetProjects: [String] = []
        /// An FXServer server-data folder (FiveM, RedM) instead of alt:V's.
        public var fxServer: FXServerFindings?

        /// An alt:V server folder has a server.toml; FXServer's, a server.cfg that ensures resources.
        public var isServerFolder: Bool { hasServerToml || fxServer != nil }

        /// What was looked for and not found, for the user.
        public var missing: [String] {
            var missing: [String] = []
            if let fxServer {
                if fxServer.runner == nil { missing.append("FXServer's run.sh ([server] command points at /path/to/FXServer/server/run.sh)") }
                if !hasResourcesFolder { missing.append("a resources/ folder") }
                return missing
            }
            if !hasServerToml { missing.append("server.toml") }
            if serverBinary == nil { missing.append("the altv-server program ([server] command points at ./altv-server)") }
            if !hasResourcesFolder { missing.append("a resources/ folder") }
            return missing
        }

        public static func == (a: Findings, b: Findings) -> Bool {
            a.serverBinary == b.serverBinary && a.serverArguments == b.serverArguments && a.hasServerToml == b.hasServerToml
                && a.resources == b.resources && a.node == b.node && a.buildScript == b.buildScript && a.sourceFolders == b.sourceFolders
                && a.typeScriptResources == b.typeScriptResources && a.dotEnv == b.dotEnv && a.devServer?.folder == b.devServer?.folder
                && a.devServer?.command == b.devServer?.command && a.dotnetProjects == b.dotnetProjects && a.debug == b.debug
                && a.fxServer == b.fxServer
        }
    }

    /// Folders that hold a webview's sources in the projects alt:V developers have.
    static let webviewFolders = ["src-webviews", "webview", "webviews", "CEF", "cef", "ui"]

    public func findings() -> Findings {
        var found = Findings()
        let manager = FileManager.default
        for name in ["altv-server", "altv-server.exe"] where manager.fileExists(atPath: path(name)) {
            found.serverBinary = name
            break
        }
        found.node = NodeProject.read(in: directory)
        if let arguments = found.node?.serverArguments ?? NodeProject.serverArguments(inScriptsOf: directory) {
            (found.serverArguments, found.serverArgumentsFrom) = (arguments.arguments, arguments.script)
        }
        let command = CommandSpec.arguments(["./" + (found.serverBinary ?? "altv-server")] + found.serverArguments)
        if case .success(let toml) = ServerToml.read(at: ServerToml.path(command: command, cwd: directory)) {
            found.hasServerToml = true
            found.debug = toml.debug == true
            found.resources = toml.resources
        }
        found.hasResourcesFolder = FilePath.isDirectory(path("resources"))
        if !found.hasServerToml { found.fxServer = fxServerFindings() }
        if let node = found.node, let build = node.build {
            (found.buildScript, found.buildFrom) = (build.command, build.script)
            found.sourceFolders = node.buildCodeFolders(build).filter { FilePath.isDirectory(path($0)) && $0 != "resources" }
        }
        found.dotEnv = manager.fileExists(atPath: path(".env"))
        found.typeScript = manager.fileExists(atPath: path("tsconfig.json"))
        found.hasSourceFolder = FilePath.isDirectory(path("src"))
        let sources = (found.hasSourceFolder ? ["src"] : []) + Self.webviewFolders.filter { FilePath.isDirectory(path($0)) }
        found.sourceFolders = sources + found.sourceFolders.filter { !sources.contains($0) }
        found.devServer = devServer(found.node)
        found.dotnetProjects = dotnetProjects()
        if found.typeScript, found.hasSourceFolder {
            found.typeScriptResources = ((try? manager.contentsOfDirectory(atPath: path("src"))) ?? []).sorted().filter { name in
                manager.fileExists(atPath: path("src/\(name)/resource.toml"))
                    && (manager.fileExists(atPath: path("src/\(name)/server/index.ts")) || manager.fileExists(atPath: path("src/\(name)/client/index.ts")))
            }
        }
        return found
    }

    /// A Vite dev script in a webview folder's package.json, else in the project's.
    private func devServer(_ node: NodeProject?) -> (folder: String, command: String)? {
        for folder in Self.webviewFolders where FilePath.isDirectory(path(folder)) {
            if let webview = NodeProject.read(in: path(folder)), let script = webview.devServerScript {
                // A webview without a lock file of its own is run by the project's manager.
                let manager = webview.lockFile == nil ? (node?.manager ?? .npm) : webview.manager
                return (folder, NodeProject(manager: manager).run(script))
            }
        }
        return node?.devServerScript.map { (".", node!.run($0)) }
    }

    /// The solution files here, else the project files here and one folder down.
    private func dotnetProjects() -> [String] {
        let manager = FileManager.default
        let top = ((try? manager.contentsOfDirectory(atPath: directory)) ?? []).sorted()
        let solutions = top.filter { $0.hasSuffix(".sln") }
        if !solutions.isEmpty { return solutions }
        var projects = top.filter { $0.hasSuffix(".csproj") }
        for folder in top where !["node_modules", "resources", "bin", "obj"].contains(folder) && !folder.hasPrefix(".") && FilePath.isDirectory(path(folder)) {
            projects += ((try? manager.contentsOfDirectory(atPath: path(folder))) ?? []).sorted().filter { $0.hasSuffix(".csproj") }.map { folder + "/" + $0 }
        }
        return projects
    }

    /// esbuild for each resource's server and client code, tsc for the types, side by side.
    static let typeScriptStages = #"""

        # src/<name>/ is TypeScript (found: src/*/resource.toml with server/index.ts, client/index.ts).
        # esbuild (npm i -D esbuild, or Debian's esbuild) bundles each resource into resources/<name>/:
        # the resources the change touched (ALTV_DEV_RESOURCES), all of them at the first start.
        # --sourcemap writes a .map beside each bundle: a stack frame in it is shown at its .ts line.
        [[stage]]
        name = "build"
        command = '''
        # (altv-dev itself expands variables written with braces in this file: the shell's are written $NAME.)
        resources="$ALTV_DEV_RESOURCES"
        [ -n "$resources" ] || resources=$(ls src)
        for r in $resources; do
          [ -f "src/$r/resource.toml" ] || continue
          mkdir -p "resources/$r" && cp "src/$r/resource.toml" "resources/$r/" || exit 1
          if [ -f "src/$r/server/index.ts" ]; then
            esbuild "src/$r/server/index.ts" --bundle --format=esm --platform=node --external:alt-server --external:alt-shared \
              --outfile="resources/$r/server.js" --sourcemap --log-level=warning || exit 1
          fi
          if [ -f "src/$r/client/index.ts" ]; then
            esbuild "src/$r/client/index.ts" --bundle --format=esm --platform=neutral --external:alt-client --external:alt-shared \
              --external:natives --outfile="resources/$r/client.js" --sourcemap --log-level=warning || exit 1
          fi
        done'''
        when = ["src/**", "types/**", "tsconfig.json"]
        outputs = ["resources/**"]

        # tsc checks the types beside the build (esbuild only strips them). gate = false: the restart does not
        # wait for its seconds, and a type error is said (with tsc's file and line) without holding the server
        # back. outputs = [] says it writes nothing.
        [[stage]]
        name = "typecheck"
        command = "tsc --noEmit -p ."
        when = ["src/**", "types/**", "tsconfig.json"]
        outputs = []
        gate = false
        """#.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)

    public struct Refusal: Error, CustomStringConvertible {
        public var description: String
    }

    /// Writes `altv-dev.toml`; refuses to replace one unless `force`.
    @discardableResult
    public func write(force: Bool) throws -> String {
        try write(findings(), force: force)
    }

    /// Writes `altv-dev.toml` from findings already made.
    @discardableResult
    public func write(_ found: Findings, force: Bool) throws -> String {
        let target = path(ConfigLoader.fileName)
        if FileManager.default.fileExists(atPath: target) && !force {
            throw Refusal(description: "\(target) already exists; pass --force to replace it")
        }
        if !found.isServerFolder && !force {
            throw Refusal(
                description: "\(directory) does not look like an alt:V server folder: not found: "
                    + found.missing.joined(separator: ", ")
                    + ". Run `altv-dev init` in the folder with server.toml (FXServer: server.cfg), or pass --force to write a file here anyway")
        }
        try Data(render(found).utf8).write(to: URL(fileURLWithPath: target))
        return target
    }

    private func path(_ name: String) -> String { FilePath.join(directory, name) }
}
