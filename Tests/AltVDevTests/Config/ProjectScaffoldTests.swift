import Foundation
import Testing

@testable import AltVDev

/// `init` on the shapes of the public alt:V projects it was tried on (layouts recreated, no code of theirs):
/// what it finds, and that the file it writes loads.
@Suite("init on real project shapes")
struct ProjectScaffoldTests {
    func withProject(_ files: [String: String], _ body: (String) throws -> Void) throws { try withTemporaryFolder(files, body) }

    func written(_ folder: String) throws -> (Config, String) {
        let file = try ProjectScaffold(directory: folder).write(force: false)
        return (try ConfigLoader.load(file: file), try String(contentsOfFile: file, encoding: .utf8))
    }

    @Test("altv-typescript: npm run build reads src/ and the build's scripts/, restarts resources, tsc as a check")
    func altvTypeScript() throws {
        try withProject([
            "server.toml": "debug = true\nresources = [\"core\", \"dbg_reconnect\"]\n", "altv-server": "", "tsconfig.json": "{}",
            "package.json": #"{"scripts": {"build": "node ./scripts/compiler.js && node ./scripts/copy.js", "linux": "npm run build && ./altv-server", "dev": "node ./scripts/watch.js"}, "devDependencies": {"typescript": "latest", "@swc/cli": "^0.1"}}"#,
            "scripts/compiler.js": "", "src/core/resource.toml": "", "src/core/server/startup.ts": "", "README.md": "",
        ]) { folder in
            let (config, text) = try written(folder)
            #expect(config.server.onChange == .restartResources)
            #expect(config.stages.map(\.name) == ["build", "typecheck"])
            #expect(config.stages[0].command == .shell("npm run build") && config.stages[0].outputs == ["resources/**"])
            #expect(config.stages[0].when == ["src/**", "scripts/**", "package.json", "tsconfig.json"])
            #expect(!config.stages[1].gate && config.stages[1].writesNothing)
            #expect(text.contains("(no lock file → npm)"))
            // Docs edits do nothing.
            #expect(ConfigAdvisor.why(folder + "/README.md", config: config).contains("ignored"))
        }
    }

    @Test("Rebar: pnpm, the build is what `start` runs before altv-server, the webview's Vite dev server is offered")
    func rebar() throws {
        try withProject([
            "server.toml": "debug = true\nresources = [\"main\"]\n", "altv-server": "", "tsconfig.json": "{}", "pnpm-lock.yaml": "",
            "package.json": #"{"scripts": {"dev": "nodemon --config ./nodemon-dev.json -x pnpm start", "start": "node ./scripts/compile.js && altv-server", "start:linux": "node ./scripts/compile.js && ./altv-server", "dev:hot": "pnpm build:docker && concurrently --raw \"nodemon\" \"altv-server\""}, "devDependencies": {"sucrase": "^3"}}"#,
            "scripts/compile.js": "", "src/main/server/index.ts": "", "webview/package.json": #"{"scripts": {"dev": "vite . -- --port=3000", "build": "vite build ."}}"#,
            "webview/src/App.vue": "", "docs/index.md": "",
        ]) { folder in
            let found = ProjectScaffold(directory: folder).findings()
            #expect(found.node?.manager == .pnpm && found.buildFrom == "start")
            #expect(found.devServer?.folder == "webview" && found.devServer?.command == "pnpm run dev")
            let (config, text) = try written(folder)
            #expect(config.stages.map(\.name) == ["build"])
            #expect(config.stages[0].command == .shell("node ./scripts/compile.js"))
            #expect(config.stages[0].when == ["src/**", "webview/**", "scripts/**", "package.json", "tsconfig.json"])
            #expect(text.contains("# [[service]]") && text.contains("# command = \"pnpm run dev\"") && text.contains("# cwd = \"webview\""))
            #expect(config.services.isEmpty)
            #expect(ConfigAdvisor.why(folder + "/docs/index.md", config: config).contains("ignored"))
        }
    }

    @Test("xts boilerplate: yarn, --config server-dev.toml from server-dev.bat, the build's build/ folder read")
    func xtsBoilerplate() throws {
        try withProject([
            "server.toml": "debug = false\nresources = [\"decoy\"]\n", "server-dev.toml": "debug = true\nresources = [\"main\"]\n", "altv-server": "",
            "server-dev.bat": "altv-server.exe --config server-dev.toml\n", "server-prod.bat": "altv-server.exe\n", "yarn.lock": "",
            "package.json": #"{"scripts": {"before-any": "yarn && node build/copy", "build": "yarn before-any && concurrently \"yarn:build:*\"", "build:server": "node build/server"}, "dependencies": {"typescript": "^5", "esbuild": "^0.19"}}"#,
            "build/copy.js": "", "src/server/main.ts": "", "tsconfig.json": "{}",
        ]) { folder in
            let found = ProjectScaffold(directory: folder).findings()
            #expect(found.serverArguments == ["--config", "server-dev.toml"] && found.serverArgumentsFrom == "server-dev.bat")
            #expect(found.resources == ["main"] && found.debug)
            let (config, text) = try written(folder)
            #expect(config.server.command == .arguments(["./altv-server", "--config", "server-dev.toml"]))
            #expect(config.server.serverToml == folder + "/server-dev.toml")
            #expect(config.stages[0].command == .shell("yarn run build"))
            #expect(config.stages[0].when == ["src/**", "build/**", "package.json", "tsconfig.json"])
            #expect(text.contains("# The arguments server-dev.bat starts the server with"))
            #expect(!text.contains("does not set debug = true"))
        }
    }

    @Test("a C# project: dotnet build with the server stopped first, bin/ and obj/ ignored, no resource restarts")
    func csharp() throws {
        try withProject([
            "server.toml": "debug = true\nresources = [\"gamemode\"]\nmodules = [\"csharp-module\"]\n", "altv-server": "",
            "Gamemode/Gamemode.csproj": "<Project/>", "Gamemode/Program.cs": "",
        ]) { folder in
            let (config, text) = try written(folder)
            #expect(config.server.onChange == .restart)
            #expect(config.stages.map(\.name) == ["dotnet"] && config.stages[0].stopsFirst)
            #expect(config.stages[0].command == .shell("dotnet build Gamemode/Gamemode.csproj --nologo -v quiet"))
            #expect(config.watch.ignore.contains("bin/") && config.watch.ignore.contains("obj/"))
            #expect(text.contains("a\n# loaded DLL must not be overwritten") || text.contains("loaded DLL must not be overwritten"))
        }
    }

    @Test("package scripts: where a shell line starts altv-server, the build before it, the folders of the build's own code")
    func scripts() {
        #expect(NodeProject.serverStart(in: "npm run build && ./altv-server --config dev.toml")! == (1, ["--config", "dev.toml"]))
        #expect(NodeProject.serverStart(in: "concurrently \"nodemon\" \"altv-server\"") == nil)
        #expect(NodeProject(scripts: ["start": "tsc -p . ; node x.js && altv-server"]).build! == ("tsc -p . && node x.js", "start"))
        #expect(NodeProject(manager: .yarn, scripts: ["build": "x"]).build! == ("yarn run build", "build"))
        #expect(NodeProject.codeFolders(of: "node ./scripts/compile.js --out=resources/x && node build/copy \"yarn:build:*\" ../up/x.js") == ["scripts", "build"])
        #expect(NodeProject(scripts: ["dev": "vite --port 3000"]).devServerScript == "dev")
        #expect(NodeProject(scripts: ["dev": "vite build"]).devServerScript == nil)
    }

    @Test("an FXServer server-data folder (cfx-server-data's shape): platform, run.sh with +exec, restart-resources, no alt:V reconnect")
    func fxServer() throws {
        try withTemporaryFolder([
            "server/run.sh": "#!/bin/sh\n",
            "server-data/server.cfg": "endpoint_add_tcp \"0.0.0.0:30120\"\nsv_lan 1\nensure mapmanager\nensure chat\nensure [gameplay]\n",
            "server-data/resources/[managers]/mapmanager/fxmanifest.lua": "fx_version 'cerulean'\ngame 'gta5'\n",
            "server-data/resources/[gameplay]/chat/fxmanifest.lua": "fx_version 'cerulean'\ngame 'gta5'\n",
        ]) { root in
            let folder = root + "/server-data"
            var notWSL = WSLEnvironment.Probe()
            (notWSL.kernelRelease, notWSL.interop) = (root + "/none", root + "/none")
            let file = try ProjectScaffold(directory: folder, wslProbe: notWSL).write(force: false)
            let (config, text) = (try ConfigLoader.load(file: file), try String(contentsOfFile: file, encoding: .utf8))
            #expect(config.server.platform == .fivem && config.server.onChange == .restartResources)
            #expect(config.server.command == .arguments(["bash", "../server/run.sh", "+exec", "server.cfg"]))
            #expect(config.server.port == 30120 && !config.reconnect.enabled && config.reconnect.command == nil)
            #expect(text.contains("# server.cfg ensures: mapmanager, chat, [gameplay]"))
            #expect(ProjectScaffold(directory: folder).findings().missing.isEmpty)
            #expect(ConfigAdvisor.why(folder + "/cache/files/x", config: config).contains("ignored"))
        }
        try withTemporaryFolder(["server.cfg": "set gamename rdr3\nensure vorp_core\n", "resources/vorp_core/fxmanifest.lua": ""]) { folder in
            let (config, text) = try written(folder)
            #expect(config.server.platform == .redm)
            #expect(text.contains("point this at yours") && ProjectScaffold(directory: folder).findings().missing.first?.contains("run.sh") == true)
        }
        // Under WSL2 the client's link handler is written as the reconnect command.
        try withTemporaryFolder(["server.cfg": "endpoint_add_tcp \"0.0.0.0:30121\"\nensure chat\n", "wsl-osrelease": "5.15.153.1-microsoft-standard-WSL2\n"]) { folder in
            var probe = WSLEnvironment.Probe()
            (probe.kernelRelease, probe.interop, probe.wslinfo) = (folder + "/wsl-osrelease", folder + "/none", folder + "/none")
            let scaffold = ProjectScaffold(directory: folder, wslProbe: probe)
            let config = try ConfigLoader.load(file: try scaffold.write(force: false))
            #expect(config.reconnect.command == .shell("cmd.exe /c start fivem://connect/127.0.0.1:30121") && config.reconnect.enabled)
        }
        // server.cfg without ensure lines is no server-data folder.
        try withTemporaryFolder(["server.cfg": "# old\n"]) { folder in
            #expect(throws: ProjectScaffold.Refusal.self) { try ProjectScaffold(directory: folder).write(force: false) }
        }
    }
}
