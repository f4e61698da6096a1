import Foundation
import TestSupport
import Testing

@testable import AltVDev

@Suite("`.env` reader")
struct EnvFileTests {
    func parse(_ text: String) throws(ConfigError) -> EnvFile {
        try EnvFile.parse(Array(text.utf8), path: "/p/.env")
    }

    @Test("the dotenv subset: comments, export, bare, single- and double-quoted values, the last of a key twice")
    func subset() throws {
        let file = try parse(
            """
            # database
            export DB_HOST=localhost
            DB_PORT = 5432   # inline comment
            URL=http://x/#anchor
            SINGLE='no $expansion \\n here'
            DOUBLE="line one\\nline \\"two\\""
            MULTI="a
            b"
            EMPTY=
            DB_PORT=5433\r
            """)
        #expect(file.keys == ["DB_HOST", "DB_PORT", "URL", "SINGLE", "DOUBLE", "MULTI", "EMPTY"])
        #expect(file.values["DB_HOST"] == "localhost")
        #expect(file.values["DB_PORT"] == "5433")
        #expect(file.values["URL"] == "http://x/#anchor")
        #expect(file.values["SINGLE"] == "no $expansion \\n here")
        #expect(file.values["DOUBLE"] == "line one\nline \"two\"")
        #expect(file.values["MULTI"] == "a\nb")
        #expect(file.values["EMPTY"] == "")
    }

    @Test("mistakes are placed at their line and column, with a fix", arguments: [
        ("A=1\nB 2\n", 2, 3, "expected = after B"),
        ("A=1\n=2\n", 2, 1, "expected a variable name"),
        ("1A=x\n", 1, 1, "expected a variable name"),
        ("A=\"never closed\nB=2\n", 1, 3, "never closed"),
        ("A='x' y\n", 1, 7, "text after the closing '"),
        ("A=ok\nB=\u{0}\n", 2, 3, "NUL"),
    ])
    func placed(_ text: String, _ line: Int, _ column: Int, _ message: String) {
        do {
            _ = try parse(text)
            Issue.record("parsed: \(text)")
        } catch {
            #expect(error.file == "/p/.env" && error.line == line && error.column == column, "\(error)")
            #expect(error.message.contains(message) && error.fix != nil, "\(error)")
        }
    }

    @Test("bytes that are not UTF-8 are an error at their place")
    func notText() {
        #expect(throws: ConfigError.self) { try EnvFile.parse(Array("A=1\nB=".utf8) + [0xFF, 0x0A], path: "/p/.env") }
        do {
            _ = try EnvFile.parse(Array("A=1\nB=".utf8) + [0xC3], path: "/p/.env")
            Issue.record("a cut UTF-8 sequence parsed")
        } catch {
            #expect(error.line == 2 && error.column == 3 && error.message == "the file is not UTF-8 text")
        }
    }

    @Test("env tables win over the file")
    func precedence() throws {
        let file = try parse("A=file\nB=file\n")
        #expect(file.under(["B": "table"]) == ["A": "file", "B": "table"])
    }

    @Test("20,000 mutated files: each parses or fails with file, line and column; never a crash")
    func fuzz() async {
        let seed = Array("# c\nexport A=1\nB = \"two\\nlines\" # x\nC='lit'\nD=\"multi\nline\"\nE=\n".utf8)
        var random = SeededRandom(seed: 20_261_202)
        var failures = 0
        for index in 0..<20000 {
            if index % 500 == 0 { await Task.yield() }  // a core of the 2-thread pool is not ours alone
            let bytes = ByteMutator.mutate(seed, using: &random)
            do {
                let file = try EnvFile.parse(bytes, path: "/p/.env")
                #expect(file.keys.count == Set(file.keys).count && file.keys.allSatisfy { file.values[$0] != nil })
            } catch {
                failures += 1
                #expect(error.line != nil && error.column != nil && error.file == "/p/.env", "\(error)")
            }
        }
        #expect(failures > 1000)
    }

    /// A project folder with a `.env` beside altv-dev.toml.
    func project(env: String, config extra: String = "") throws -> String {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("envfile-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder + "/resources", withIntermediateDirectories: true)
        try env.write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        let config = """
            [server]
            command = ["./altv-server"]
            env = { MODE = "table" }
            env_file = ".env"
            [watch]
            paths = ["resources"]
            [[stage]]
            name = "build"
            command = "make"
            [[service]]
            name = "web"
            command = "vite"
            \(extra)
            """
        try config.write(toFile: folder + "/altv-dev.toml", atomically: true, encoding: .utf8)
        return folder
    }

    @Test("env_file feeds the server, stages and services under their env; the password's variable is the password, for no child")
    func inTheConfig() throws {
        let folder = try project(env: "MODE=file\nDB=postgres://x\nALTV_SERVER_PASSWORD=s3cret-from-env\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try ConfigLoader.load(file: folder + "/altv-dev.toml", environment: ["ALTV_SERVER_PASSWORD": "from-shell"])
        #expect(config.server.environment == ["MODE": "table", "DB": "postgres://x"])
        #expect(config.stages[0].environment == ["MODE": "file", "DB": "postgres://x"])
        #expect(config.services[0].environment["DB"] == "postgres://x")
        #expect(config.reconnect.password == Secret("s3cret-from-env") && config.reconnect.passwordSource == "ALTV_SERVER_PASSWORD in .env")
        #expect(config.filesRead == [folder + "/altv-dev.toml", folder + "/.env"])
        // Names, never values.
        let printed = ConfigPrinter.toml(config)
        #expect(printed.contains("env_file = \"\(folder)/.env\"  # sets MODE, DB") && !printed.contains("postgres") && !printed.contains("s3cret"))
    }

    @Test("a missing env_file is said at its key; a bad one at its own line; a changed value is named, not shown, and restarts the server")
    func errorsAndReload() throws {
        let folder = try project(env: "DB=one\n")
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let config = try ConfigLoader.load(file: folder + "/altv-dev.toml", environment: [:])
        try "DB=two\n".write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        guard case .changed(let new, let changes) = ConfigReload.read(current: config, environment: [:]) else {
            Issue.record("not reloaded")
            return
        }
        #expect(changes == ["server.env_file: DB changed"])
        #expect(ConfigConsequences(old: config, new: new).restartServer && ConfigConsequences(old: config, new: new).reapplyServices)
        try "DB=two\nBAD LINE\n".write(toFile: folder + "/.env", atomically: true, encoding: .utf8)
        guard case .rejected(let errors) = ConfigReload.read(current: new, environment: [:]) else {
            Issue.record("a bad .env was applied")
            return
        }
        #expect(errors.first?.file == folder + "/.env" && errors.first?.line == 2 && errors.first?.column == 5)
        try FileManager.default.removeItem(atPath: folder + "/.env")
        #expect(throws: ConfigError.self) { try ConfigLoader.load(file: folder + "/altv-dev.toml", environment: [:]) }
        do {
            _ = try ConfigLoader.load(file: folder + "/altv-dev.toml", environment: [:])
        } catch {
            #expect(error.file == folder + "/altv-dev.toml" && error.line == 4 && error.message.hasPrefix("\(folder)/.env: no such file"), "\(error)")
        }
    }
}
