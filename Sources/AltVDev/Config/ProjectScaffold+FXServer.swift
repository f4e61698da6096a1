import FoundationEssentials

/// `init` in an FXServer server-data folder (`shared/fivem/README.md` §1, §3): server.cfg with
/// `ensure`/`start` lines, and FXServer's `run.sh` (or its binary) here or where the docs put it.
extension ProjectScaffold {
    public struct FXServerFindings: Equatable, Sendable {
        /// `.redm` when the config sets `gamename rdr3`.
        public var platform: PlatformKind
        public var ensured: [String]
        /// How to run FXServer, relative to the folder when found near it; nil when not found.
        public var runner: [String]?
        /// The game port (the first endpoint_add_tcp), for the client's link.
        public var port = 30120
        /// Under WSL: the Windows client can be sent to the server by its link handler.
        public var underWSL = false
    }

    /// Where FXServer's runner is found: the docs' `~/FXServer/server/run.sh` beside `server-data`,
    /// or the folder itself; the musl binary runs only through `run.sh`'s loader line.
    static let runnerPlaces = ["run.sh", "../server/run.sh", "../run.sh", "server/run.sh"]

    func fxServerFindings() -> FXServerFindings? {
        let cfgPath = FilePath.join(directory, "server.cfg")
        guard FileManager.default.fileExists(atPath: cfgPath) else { return nil }
        let cfg = ServerCfg.read(at: cfgPath)
        guard !cfg.started.isEmpty else { return nil }
        let runner = Self.runnerPlaces.first { FileManager.default.fileExists(atPath: FilePath.join(directory, $0)) }
        return FXServerFindings(
            platform: cfg.variables["gamename"] == "rdr3" ? .redm : .fivem, ensured: cfg.started.map(\.name),
            runner: runner.map { ["bash", $0] }, port: cfg.port, underWSL: WSLEnvironment.detect(wslProbe) != nil)
    }

    static func fxServer(_ found: Findings, _ fx: FXServerFindings) -> [String] {
        var lines = ["[server]", "# server.cfg ensures: \(fx.ensured.joined(separator: ", "))" + (fx.platform == .redm ? " (set gamename rdr3: RedM)" : "")]
        lines.append("platform = \"\(fx.platform.rawValue)\"")
        if fx.runner == nil { lines.append("# FXServer's run.sh was not found near this folder: point this at yours (~/FXServer/server/run.sh in the docs).") }
        lines.append("# +exec is required: without it FXServer starts txAdmin instead of this server.cfg.")
        lines.append("command = " + ConfigPrinter.array((fx.runner ?? ["bash", "/path/to/FXServer/server/run.sh"]) + ["+exec", "server.cfg"]))
        lines.append("# Ready is the first tick of altv-dev's own helper resource (resources/[altv-dev]/, ensured last).")
        lines.append("# The stop: `quit` in the console, then this signal to the process group, SIGKILL after stop_timeout.")
        lines += ["stop_signal = \"SIGINT\"", "stop_timeout = \"10s\""]
        if found.dotEnv { lines += ["# .env found: its variables go to the server, the stages and the services.", "env_file = \".env\""] }
        lines.append("# A save inside a resource is `ensure <name>` in the console (`refresh` first for a changed fxmanifest.lua),")
        lines.append("# and the dependents the server stopped with it are ensured again: no restart. server.cfg restarts the server.")
        lines.append("on_change = \"restart-resources\"")
        return lines
    }

    static func fxServerWatch(_ found: Findings) -> [String] {
        [
            "[watch]", "# The server-data folder: resources and server.cfg (a save there restarts the whole server).", "paths = [\".\"]",
            "# What the server writes into its own folder (cache/, txData/), and docs and editor settings.",
            "ignore = " + ConfigPrinter.array(["node_modules/", "*.log", "cache/", "txData/", "*.md", "docs/", ".github/", ".vscode/", ".idea/"]),
            "debounce = \"30ms\"",
        ]
    }

    static func fxServerReconnect(_ fx: FXServerFindings) -> [String] {
        var lines = [
            "[reconnect]",
            "# The FiveM client has no debug endpoint to reconnect through (alt:V's had one); a resource restart needs",
            "# none (the server sends the client the new files).",
        ]
        let link = "\(fx.platform == .redm ? "redm" : "fivem")://connect/127.0.0.1:\(fx.port)"
        if fx.underWSL {
            lines.append("# Under WSL2 the Windows client is sent to the server by its link handler after each full restart:")
            lines.append("command = " + ConfigPrinter.quote("cmd.exe /c start \(link)"))
        } else {
            lines.append("# After a full restart, reconnect in the game (F8: connect 127.0.0.1:\(fx.port)), or run a command that does:")
            lines.append("# command = " + ConfigPrinter.quote("cmd.exe /c start \(link)") + "   (from WSL2)")
        }
        return lines
    }
}
