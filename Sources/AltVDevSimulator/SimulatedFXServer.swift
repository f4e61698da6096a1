import AltVDev
import CProcessSpawn
import Dispatch
import FoundationEssentials
import Glibc
import Synchronization

/// A stand-in for FXServer (FiveM, and RedM with `set gamename rdr3`) that behaves as
/// `shared/fivem/README.md` describes the real one: `+exec`/`+ensure` arguments (no `+exec` boots
/// txAdmin's monitor instead), server.cfg with `exec` includes, `[category]` folders, every line
/// coloured behind a 20-character channel, `ensure`/`start`/`stop`/`restart`/`refresh`/`quit` on
/// stdin (end of file quits), dependents stopped with a resource and left stopped, manifests read
/// once until `refresh`, script errors that still start the resource, SIGINT as `quit`.
///
/// It runs no Lua: a server script's `print("…")` lines are printed at the first tick after its
/// resource started (how altv-dev's ready helper says the start is over), and a script holding the
/// words `SYNTAX ERROR` does not parse.
public final class SimulatedFXServer: @unchecked Sendable {
    public struct Options: Sendable {
        public var directory: String
        /// The `+command args` after the binary, as FXServer takes them.
        public var arguments: [String] = []
        public var startupDelay: Duration = .milliseconds(200)
        /// Exit with status 1 this long after start-up (a crash).
        public var exitAfter: Duration?
        public init(directory: String) { self.directory = directory }
    }

    struct Resource {
        var name: String
        var folder: String
        var manifest: FXManifest
    }

    private struct State {
        var resources: [String: Resource] = [:]
        var started: [String] = []
        var variables: [String: String] = [:]
        var endpoint = "0.0.0.0:30120"
        var booted = false
    }

    let options: Options
    private let state = Mutex(State())
    private let writing = Mutex(())
    private let quitting = Atomic<Bool>(false)

    public init(options: Options) { self.options = options }

    /// A line as FXServer prints it on Linux: the channel right-aligned in 20 columns, colours on.
    func say(_ channel: String, _ message: String, colour: Int = 0) {
        let name = channel.count > 20 ? String(channel.prefix(20)) : String(repeating: " ", count: 20 - channel.count) + channel
        let line = "\u{1B}[38;5;66m[\(name)]\u{1B}[0m \u{1B}[\(colour == 0 ? 0 : 30 + colour)m\(message)\u{1B}[0m\n"
        _ = writing.withLock { _ in FileDescriptorWriter.writeAll(STDOUT_FILENO, Array(line.utf8)) }
    }

    /// Runs until `quit`, SIGINT or the end of stdin; returns the exit code.
    public func run() -> Int32 {
        Glibc.signal(SIGPIPE, SIG_IGN)
        handleSignals()
        let commands = Self.commands(in: options.arguments)
        guard commands.contains(where: { $0.first == "exec" }) else {
            // Without +exec the real binary starts txAdmin's monitor (Server.cpp), not a game server.
            say("monitor", "Starting txAdmin (no +exec given: monitor mode)", colour: 3)
            OSThread.start(name: "sim console") { self.readConsole() }
            DispatchSemaphore(value: 0).wait()
            return 0
        }
        say("citizen-server-main", "Cfx.re Platform Server (FXServer) simulated")
        scan(announce: true)
        for command in commands { execute(command, duringConfig: true) }
        if !checkLicense() { return 1 }
        guard let listener = listen() else {
            say("citizen-server-impl", "Could not bind on \(state.withLock { $0.endpoint }) - is this address valid and not already in use?", colour: 1)
            return 1
        }
        _ = listener
        sleep(for: options.startupDelay)
        state.withLock { $0.booted = true }
        // The first tick: every started resource's scripts run their threads.
        for name in state.withLock({ $0.started }) { tick(name) }
        OSThread.start(name: "sim console") { self.readConsole() }
        if let exitAfter = options.exitAfter {
            sleep(for: exitAfter)
            say("citizen-server-impl", "Segmentation fault (simulated crash)", colour: 1)
            _exit(1)
        }
        DispatchSemaphore(value: 0).wait()
        return 0
    }

    /// `+exec server.cfg +ensure x +set a b` → [["exec", "server.cfg"], ["ensure", "x"], ["set", "a", "b"]].
    static func commands(in arguments: [String]) -> [[String]] {
        var commands: [[String]] = []
        for argument in arguments {
            if argument.hasPrefix("+") {
                commands.append([String(argument.dropFirst())])
            } else if !commands.isEmpty {
                commands[commands.count - 1].append(argument)
            }
        }
        return commands
    }

    /// `sv_licenseKey` set, or `sv_lan` on: the server goes on; neither: the real key error.
    private func checkLicense() -> Bool {
        let variables = state.withLock { $0.variables }
        if ["1", "true"].contains(variables["sv_lan"]?.lowercased() ?? "") { return true }
        if let key = variables["sv_licenseKey"], !key.isEmpty {
            say("svadhesive", "Authenticating server license key...")
            say("svadhesive", "Server license key authentication succeeded. Welcome!")
            return true
        }
        say(
            "svadhesive",
            "Error: This server does not have a license key specified. Please set the sv_licenseKey console variable to a key from https://keymaster.fivem.net/.",
            colour: 1)
        return true
    }

    // MARK: Resources

    /// Reads every resource folder under resources/ (categories walked), manifests included.
    private func scan(announce: Bool) {
        if announce { say("resources", "Scanning resources.", colour: 2) }
        let root = FilePath.join(options.directory, "resources")
        var found: [String: Resource] = [:]
        walk(root, into: &found, depth: 0)
        let (fresh, total) = state.withLock { state -> (Int, Int) in
            let fresh = found.keys.filter { state.resources[$0] == nil }.count
            state.resources = found
            return (fresh, found.count)
        }
        if announce {
            say("resources", "Found \(total) resources.", colour: 2)
        } else {
            say("resources", "Found \(fresh) new resources, and refreshed \(total - fresh)/\(total) resources.")
        }
    }

    private func walk(_ folder: String, into found: inout [String: Resource], depth: Int) {
        guard depth < 8 else { return }
        let entries = ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).sorted()
        for entry in entries where !entry.hasPrefix(".") && entry != "txadmin" {
            let path = FilePath.join(folder, entry)
            guard FilePath.isDirectory(path) else { continue }
            if entry.hasPrefix("[") && entry.hasSuffix("]") {
                walk(path, into: &found, depth: depth + 1)
            } else if let manifest = manifest(in: path) {
                if found[entry] != nil { say("resources", "Warning: duplicate resource \(entry)", colour: 3) }
                found[entry] = Resource(name: entry, folder: path, manifest: manifest)
            }
        }
    }

    private func manifest(in folder: String) -> FXManifest? {
        let rdr3 = state.withLock { $0.variables["gamename"] } == "rdr3"
        return FXServerPlatform(kind: rdr3 ? .redm : .fivem).manifest(in: folder)?.manifest
    }

    /// The resources a `[category]` holds, in name order (a category works with start, stop and ensure).
    private func members(of category: String) -> [String]? {
        guard category.hasPrefix("["), category.hasSuffix("]") else { return nil }
        return state.withLock { $0.resources.values.filter { $0.folder.contains("/" + category + "/") }.map(\.name).sorted() }
    }

    /// Starts a resource after what it depends on; false when it could not start.
    private func start(_ name: String, chain: [String] = []) -> Bool {
        if let members = members(of: name), !members.isEmpty { return members.allSatisfy { start($0, chain: chain) } }
        if state.withLock({ $0.started.contains(name) }) { return true }
        guard let resource = state.withLock({ $0.resources[name] }) else {
            say("citizen-server-impl", "Couldn't find resource \(name).", colour: 3)
            return false
        }
        guard !resource.manifest.values("fx_version").isEmpty || FileManager.default.fileExists(atPath: resource.folder + "/__resource.lua") else {
            say("resources", "Resource \(name) does not specify an fx_version", colour: 3)
            say("resources", "Couldn't start resource \(name).", colour: 3)
            return false
        }
        for dependency in resource.manifest.dependencies where !chain.contains(dependency) {
            guard state.withLock({ $0.resources[dependency] }) != nil else {
                say("resources", "Could not find dependency \(dependency) for resource \(name).", colour: 1)
                say("resources", "Couldn't start resource \(name).", colour: 3)
                return false
            }
            guard start(dependency, chain: chain + [name]) else {
                say("resources", "Couldn't start resource \(name).", colour: 3)
                return false
            }
        }
        loadScripts(of: resource)
        state.withLock { $0.started.append(name) }
        say("resources", "Started resource \(name)")
        if state.withLock({ $0.booted }) { tick(name) }
        return true
    }

    /// Each server script is read now (a manifest only at a scan); one that does not parse is said,
    /// and the resource starts anyway, as the real server does.
    private func loadScripts(of resource: Resource) {
        let scripts = resource.manifest.values("server_script", "server_scripts", "shared_script", "shared_scripts").filter { !$0.hasPrefix("@") }
        guard !scripts.isEmpty else { return }
        say("c-scripting-core", "Creating script environments for \(resource.name)")
        for script in scripts {
            guard let text = try? String(contentsOfFile: FilePath.join(resource.folder, script), encoding: .utf8) else { continue }
            let lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            guard let bad = lines.firstIndex(where: { $0.contains("SYNTAX ERROR") }) else { continue }
            let place = "@\(resource.name)/\(script)"
            let error = script.hasSuffix(".js") ? "SyntaxError: Unexpected identifier" : "\(place):\(bad + 1): '=' expected near 'ERROR'"
            say("script:\(resource.name)", "Error parsing script \(place) in resource \(resource.name): \(error)", colour: 1)
            say("c-scripting-core", "Failed to load script \(script).")
        }
    }

    /// A started resource's first tick: the `print("…")` (Lua) and `console.log("…")` (JS) lines of its
    /// server scripts, a string literal each; an `error("…")` line is a runtime error at its line, as
    /// scheduler.lua reports one (`SCRIPT ERROR: @res/file.lua:3: …` and a frame).
    private func tick(_ name: String) {
        guard let resource = state.withLock({ $0.resources[name] }) else { return }
        for script in resource.manifest.values("server_script", "server_scripts") {
            guard let text = try? String(contentsOfFile: FilePath.join(resource.folder, script), encoding: .utf8), !text.contains("SYNTAX ERROR") else { continue }
            for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
                if let open = line.firstRange(of: "error(\""), let close = line[open.upperBound...].firstRange(of: "\")") {
                    let place = "@\(name)/\(script):\(index + 1)"
                    say("script:\(name)", "SCRIPT ERROR: \(place): \(line[open.upperBound..<close.lowerBound])", colour: 1)
                    say("script:\(name)", "> fn (\(place))", colour: 3)
                    continue
                }
                guard let open = line.firstRange(of: "print(\"") ?? line.firstRange(of: "console.log(\""),
                    let close = line[open.upperBound...].firstRange(of: "\")")
                else { continue }
                say("script:\(name)", String(line[open.upperBound..<close.lowerBound]))
            }
        }
    }

    /// Stops a resource and, first, every started resource that depends on it (recursively); they stay stopped.
    private func stop(_ name: String) {
        if let members = members(of: name) { return members.forEach(stop) }
        for dependent in state.withLock({ $0.started }).reversed() where dependent != name && depends(dependent, on: name) {
            if state.withLock({ $0.started.contains(dependent) }) { stop(dependent) }
        }
        guard state.withLock({ $0.started.contains(name) }) else { return }
        say("resources", "Stopping resource \(name)")
        state.withLock { state in state.started.removeAll { $0 == name } }
    }

    private func depends(_ resource: String, on dependency: String, seen: Set<String> = []) -> Bool {
        let direct = state.withLock { $0.resources[resource]?.manifest.dependencies ?? [] }
        return direct.contains(dependency) || direct.contains { !seen.contains($0) && depends($0, on: dependency, seen: seen.union([resource])) }
    }

    // MARK: Console

    /// One console command; `duringConfig`: `ensure` only starts (the comment in ServerResources.cpp).
    private func execute(_ words: [String], duringConfig: Bool = false) {
        guard let command = words.first?.lowercased() else { return }
        let argument = words.count > 1 ? words[1] : nil
        switch command {
        case "exec": if let argument { exec(argument) }
        case "set", "sets", "setr":
            if words.count >= 3 { state.withLock { $0.variables[words[1]] = words[2...].joined(separator: " ") } }
        case "endpoint_add_tcp": if let argument { state.withLock { $0.endpoint = argument } }
        case "start": if let argument { _ = start(argument) }
        case "ensure":
            guard let argument else { return }
            let running = (members(of: argument) ?? [argument]).filter { name in state.withLock { $0.started.contains(name) } }
            if !duringConfig { running.forEach(stop) }
            _ = start(argument)
        case "stop":
            guard let argument else { return }
            if state.withLock({ $0.resources[argument] }) == nil, members(of: argument) == nil { say("citizen-server-impl", "Couldn't find resource \(argument).", colour: 3) }
            stop(argument)
        case "restart":
            guard let argument else { return }
            guard state.withLock({ $0.started.contains(argument) }) else { return say("resources", "Can't restart a stopped resource.", colour: 3) }
            stop(argument)
            _ = start(argument)
        case "refresh": scan(announce: false)
        case "quit": quit(words.dropFirst().joined(separator: " "))
        // A convar's name and a value sets it (`sv_lan 1`).
        default: if words.count == 2 { state.withLock { $0.variables[words[0]] = words[1] } } else { say("cmd", "No such command \(command).") }
        }
    }

    /// server.cfg and its includes (`exec other.cfg`, `exec @res/file.cfg`), line by line, as
    /// altv-dev's own reader finds them (`ServerCfg`): the same words and the same include rule.
    private func exec(_ file: String, from directory: String? = nil) {
        let path = ServerCfg.includePath(file, from: directory ?? options.directory) { name in self.state.withLock { $0.resources[name]?.folder } }
        guard let text = try? String(contentsOfFile: path, encoding: .utf8) else {
            return say("citizen-server-impl", "No such config file: \(file)", colour: 1)
        }
        for line in text.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let words = ServerCfg.words(line)
            if words.first?.lowercased() == "exec", words.count > 1 { exec(words[1], from: FilePath.parent(path)) } else { execute(words, duringConfig: true) }
        }
    }

    private func readConsole() {
        while let line = Swift.readLine() {
            for command in line.split(separator: ";") { execute(ServerCfg.words(command)) }
        }
        // TerminalInput.cpp: the end of stdin is Ctrl-C in the console.
        quit("Ctrl-C pressed in server console.")
    }

    private func quit(_ reason: String) -> Never {
        // `quit` on the console and SIGINT may come together: the first one quits.
        if quitting.exchange(true, ordering: .acquiringAndReleasing) { while true { pause() } }
        say("citizen-server-impl", "-> Quitting: \(reason.isEmpty ? "Quit command executed." : reason)")
        for name in state.withLock({ $0.started }).reversed() { stop(name) }
        exit(0)
    }

    /// SIGINT and SIGHUP are `quit` (GameServer.cpp); SIGTERM keeps its default.
    private func handleSignals() {
        SimulatorSupport.onSignals([SIGINT, SIGHUP]) { self.quit("SIGINT received") }
    }

    private func sleep(for duration: Duration) { SimulatorSupport.sleep(for: duration) }

    /// The TCP endpoint (`endpoint_add_tcp`), bound as the real server binds it.
    private func listen() -> Int32? {
        let endpoint = state.withLock { $0.endpoint }
        guard let colon = endpoint.lastIndex(of: ":"), let port = UInt16(endpoint[endpoint.index(after: colon)...]) else { return nil }
        return SimulatorSupport.listen(host: String(endpoint[..<colon]), port: port)
    }
}
