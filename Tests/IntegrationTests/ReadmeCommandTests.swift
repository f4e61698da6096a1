import AltVDev
import Foundation
import Glibc
import Testing

/// The README's runnable blocks (each after `<!-- ReadmeCommandTests runs this block -->`), run as
/// written by /bin/sh in a copy of the repository's examples, from its root: a command that works
/// only somewhere else fails here (hardening 20).
@Suite("README: the commands it tells users to run")
struct ReadmeCommandTests {
    static let marker = "<!-- ReadmeCommandTests runs this block -->"

    /// The shell blocks the README marks as runnable, in order.
    static func runnableBlocks() throws -> [String] {
        let lines = try String(contentsOfFile: Repository.root + "/README.md", encoding: .utf8).components(separatedBy: "\n")
        var blocks: [String] = []
        for (index, line) in lines.enumerated() where line == marker {
            guard index + 1 < lines.count, lines[index + 1] == "```sh" else { throw HarnessError("line \(index + 1): the marker is not followed by ```sh") }
            let body = lines[(index + 2)...].prefix { $0 != "```" }
            blocks.append(body.joined(separator: "\n"))
        }
        return blocks
    }

    @Test("the README marks getting started (init → check → watch) and each example as runnable")
    func blocksAreMarked() throws {
        let blocks = try Self.runnableBlocks()
        let commands = blocks.map { block in
            block.components(separatedBy: "\n").flatMap { $0.components(separatedBy: "#")[0].components(separatedBy: "&&") }
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { $0.hasPrefix("altv-dev ") }
        }
        #expect(commands.contains(["altv-dev init", "altv-dev check", "altv-dev watch"]), "\(commands)")
        for example in ["examples/typescript", "examples/build-stage", "examples/fivem"] {
            #expect(blocks.contains { $0.contains("cd \(example) && altv-dev watch") }, "no runnable block watches \(example)")
        }
    }

    @Test("each runnable block runs where the README says, up to the loop's first ✓, and stops cleanly", arguments: [0, 1, 2, 3])
    func blockRuns(_ index: Int) async throws {
        let blocks = try Self.runnableBlocks()
        try #require(index < blocks.count, "the README has \(blocks.count) runnable blocks")
        let block = blocks[index]
        if block.contains("examples/typescript") || block.contains("examples/fivem") {
            for tool in block.contains("examples/typescript") ? ["esbuild", "tsc"] : ["esbuild"] where ConfigAdvisor.locate(tool, cwd: Repository.root, environment: ProcessInfo.processInfo.environment) == nil {
                Issue.record("\(tool) is missing: scripts/ensure-deps installs it (Debian: esbuild, node-typescript)")
                return
            }
        }
        try await withProject { project in
            let environment = try ReadmeSandbox.prepare(in: project, installed: !block.contains("PATH="))
            let shell = try project.launch([], environment: environment, through: ["/bin/sh", "-ec", ReadmeSandbox.preamble(project) + block])
            #expect(await shell.log.wait(until: OutputLog.isVerdict, named: "a verdict", timeout: .seconds(90)), "\(block)")
            let verdict = shell.log.lines.first(where: OutputLog.isVerdict) ?? ""
            #expect(verdict.contains("✓ #1 "), "\(verdict)\n\(shell.log.text)")
            let watches = ReadmeSandbox.watches(below: shell.pid)
            #expect(watches.count == 1, "altv-dev watch processes under the shell: \(watches)")
            for pid in watches { kill(pid, SIGINT) }
            #expect(await shell.waitForExit() == .exited(0), "\(shell.log.text)")
            #expect(await project.waitForNoSurvivors().isEmpty)
        }
    }
}

/// A clone as a user has it, in a test project: the examples, `.build/debug` where `swift build`
/// leaves altv-dev, and `~/my-altv-server`, a server folder whose `altv-server` is the simulator.
enum ReadmeSandbox {
    /// The environment a block runs in: altv-dev on PATH only when the block counts on it being
    /// installed (in ~/.local/bin, as Install says); else the block must put it there itself.
    static func prepare(in project: TestProject, installed: Bool) throws -> [String: String] {
        let files = FileManager.default
        let builtFolder = (Binary.path as NSString).deletingLastPathComponent
        try files.createDirectory(atPath: project.path(".build"), withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: project.path(".build/debug"), withDestinationPath: builtFolder)
        try files.copyItem(atPath: Repository.root + "/examples", toPath: project.path("examples"))
        let home = project.path("home")
        try files.createDirectory(atPath: home + "/.local/bin", withIntermediateDirectories: true)
        try files.createSymbolicLink(atPath: home + "/.local/bin/altv-dev", withDestinationPath: Binary.path)
        try files.copyItem(atPath: Repository.root + "/examples/freeroam", toPath: home + "/my-altv-server")
        for generated in ["altv-dev.toml", "server.log"] { try? files.removeItem(atPath: home + "/my-altv-server/" + generated) }
        project.write("home/my-altv-server/altv-server", "#!/bin/sh\nexec altv-dev sim server \"$@\"\n")
        chmod(home + "/my-altv-server/altv-server", 0o755)
        for folder in ["home/my-altv-server", "examples/typescript", "examples/build-stage"] { try movePorts(project.path(folder)) }
        try moveEndpoint(project.path("examples/fivem/server.cfg"))
        let system = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
            .filter { !files.isExecutableFile(atPath: "\($0)/altv-dev") }.joined(separator: ":")
        return ["HOME": home, "PATH": installed ? home + "/.local/bin:" + system : system, "CLIENT_PORT": String(try FreePort.find())]
    }

    /// Moves a server folder's game port (server.toml, and the config's simulated client) to a free one.
    static func movePorts(_ folder: String) throws {
        let serverToml = folder + "/server.toml"
        let settings = try String(contentsOfFile: serverToml, encoding: .utf8)
        guard let line = settings.components(separatedBy: "\n").first(where: { $0.hasPrefix("port = ") }) else { return }
        let old = String(line.dropFirst("port = ".count))
        let new = String(try FreePort.find())
        try settings.replacingOccurrences(of: line, with: "port = \(new)").write(toFile: serverToml, atomically: true, encoding: .utf8)
        let config = folder + "/altv-dev.toml"
        guard let text = try? String(contentsOfFile: config, encoding: .utf8) else { return }
        try text.replacingOccurrences(of: "127.0.0.1:\(old)", with: "127.0.0.1:\(new)").write(toFile: config, atomically: true, encoding: .utf8)
    }

    /// Moves an FXServer config's endpoints (`endpoint_add_tcp "127.0.0.1:30125"`) to a free port.
    static func moveEndpoint(_ serverCfg: String) throws {
        let text = try String(contentsOfFile: serverCfg, encoding: .utf8)
        let port = try FreePort.find()
        let moved = text.components(separatedBy: "\n").map { line in
            guard line.hasPrefix("endpoint_add_"), let colon = line.lastIndex(of: ":") else { return line }
            return String(line[...colon]) + "\(port)\""
        }
        try moved.joined(separator: "\n").write(toFile: serverCfg, atomically: true, encoding: .utf8)
    }

    /// Run before a block, at the sandbox's root: the test built altv-dev already, so a block's
    /// `swift build` only has to be run where it can work, at the repository's root.
    static func preamble(_ project: TestProject) -> String {
        """
        cd '\(project.root)'
        swift() { [ "$PWD" = '\(project.root)' ] || { echo "swift $* run in $PWD, not at the repository's root" >&2; return 97; }; }

        """
    }

    /// The `altv-dev watch` processes at or below `root`.
    static func watches(below root: pid_t) -> [pid_t] {
        let tree = ProcessTree.current()
        return ([root] + Array(tree.living(below: [root]))).filter { pid in
            guard let command = ProcFile.read("/proc/\(pid)/cmdline", chunk: 4096) else { return false }
            let argv = command.split(separator: 0).map { String(decoding: $0, as: UTF8.self) }
            return argv.first?.hasSuffix("altv-dev") == true && argv.dropFirst().first == "watch"
        }
    }
}
