import AltVDev
import ArgumentParser
import FoundationEssentials

struct CheckCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check",
        abstract: "Validate altv-dev.toml and print it resolved, or say why a path is watched or ignored.",
        discussion: """
            Without --why: lists every problem (file:line:column) and exits 2, or prints the resolved \
            config with defaults filled in and the password masked, plus warnings (program not found, \
            server.toml not watched) and the alt:V doctor's, each with file:line:column and the fix: \
            resources the server never loads or cannot find, a resource.toml whose main or client-main \
            is missing, deps that name no resource, dependency cycles, a dependency listed after its \
            dependent, debug not true, resourceContainerizerMode with restart-resources, useCdn, \
            modules missing from modules/, a reconnect password that is not server.toml's. With --why: for each path, whether a save there is \
            watched, ignored (by which rule, from which source) or outside the watched folders.
            """)

    @OptionGroup var configOptions: ConfigOptions

    @Option(name: .customLong("why"), parsing: .upToNextOption, help: "Paths to explain.", completion: .file())
    var why: [String] = []

    func run() throws {
        guard let config = try configOptions.load(required: true) else { return }
        // A command or value that names a password (`${ALTV_SERVER_PASSWORD}`) is printed masked.
        let redactor = Redactor(secrets: config.secrets)
        let print = { (text: String) in Swift.print(redactor.redact(text)) }
        if !why.isEmpty {
            for path in why { print(ConfigAdvisor.why(path, config: config)) }
            return
        }
        print("# \(config.file): valid")
        print(String(ConfigPrinter.toml(config).dropLast()))
        for warning in ConfigAdvisor.warnings(for: config) { print("warning: \(warning)") }
        for finding in AltVDoctor.findings(for: config) { print("\(finding)") }
        for note in ConfigAdvisor.notes(for: config) { print("note: \(note)") }
        if let error = ConfigAdvisor.serverConfigError(for: config) {
            print("error: \(error)")
            throw ExitCode(2)
        }
    }
}

struct InitCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Write a commented altv-dev.toml for the alt:V server in this folder.",
        discussion: """
            Looks for the server binary, server.toml and its resources, a package.json build script and TypeScript. \
            Refuses (exit 1) in a folder without server.toml, and to replace an existing file, unless --force.
            """)

    @Flag(help: "Replace an existing altv-dev.toml.")
    var force = false

    func run() throws {
        do {
            let scaffold = ProjectScaffold(directory: FileManager.default.currentDirectoryPath)
            let found = scaffold.findings()
            let file = try scaffold.write(found, force: force)
            print("wrote \(file); check it with `altv-dev check`, then run `altv-dev watch`")
            let missing = found.missing
            if !missing.isEmpty { print("not found here: " + missing.joined(separator: ", ") + "; the file says where to point it") }
        } catch let refusal as ProjectScaffold.Refusal {
            StandardError.write("altv-dev: \(refusal)\n")
            throw ExitCode(1)
        }
    }
}
