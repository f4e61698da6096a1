import Foundation
import Testing

@testable import AltVDev

@Suite("Config loading")
struct ConfigLoaderTests {
    static let file = "/project/altv-dev.toml"

    static let minimal = """
        [server]
        command = ["./altv-server"]

        [watch]
        paths = ["resources"]
        """

    @Test("a minimal file gets every documented default")
    func defaults() throws {
        let config = try ConfigLoader.parse(source: Self.minimal, file: Self.file)
        #expect(config.server.command == .arguments(["./altv-server"]))
        #expect(config.server.cwd == "/project")
        #expect(config.server.env.isEmpty)
        #expect(config.server.ready == "Server started")
        #expect(config.server.readyTimeout == .seconds(120))
        #expect(config.server.stopSignal.name == "SIGINT")
        #expect(config.server.stopTimeout == .seconds(10))
        #expect(config.watch.paths == ["/project/resources"])
        #expect(config.watch.ignore == ["node_modules/", "*.log"])
        #expect(config.watch.debounce == .milliseconds(30))
        #expect(config.reconnect.enabled)
        #expect(config.reconnect.url == "http://127.0.0.1:9223")
        #expect(config.reconnect.password == nil)
        #expect(config.reconnect.passwordEnv == "ALTV_SERVER_PASSWORD")
        #expect(config.reconnect.retryInterval == .milliseconds(2500))
        #expect(config.reconnect.timeout == .seconds(60))
        #expect(!config.reconnect.allowRemote)
        #expect(config.server.onCrash == .wait)
        #expect(config.server.port == 7788)
        #expect(config.server.onChange == .restart)
        #expect(config.server.resourcesDir == "/project/resources")
        #expect(config.watch.onBusy == .restart)
        #expect(config.stages.isEmpty && config.services.isEmpty)
    }

    @Test("[[stage]] and [[service]] are read in order with their defaults")
    func stagesAndServices() throws {
        let config = try ConfigLoader.parse(source: Self.minimal + """

            [[stage]]
            name = "build-core"
            command = "npx tsc -p src/core"
            env = { NODE_ENV = "development" }
            when = ["src/core/**/*.ts"]
            outputs = ["resources/core/**"]
            timeout = "5m"

            [[stage]]
            name = "copy"
            command = ["cp", "-r", "a", "b"]
            cwd = "tools"
            parallel = true

            [[service]]
            name = "webview"
            command = "npm run dev"
            cwd = "webview"
            ready = "ready in"
            """, file: Self.file)
        #expect(config.stages.map(\.name) == ["build-core", "copy"])
        let build = config.stages[0]
        #expect(build.command == .shell("npx tsc -p src/core"))
        #expect(build.cwd == "/project")
        #expect(build.env == ["NODE_ENV": "development"])
        #expect(build.when == ["src/core/**/*.ts"])
        #expect(build.outputs == ["resources/core/**"])
        #expect(build.timeout == .seconds(300))
        #expect(!build.parallel)
        let copy = config.stages[1]
        #expect(copy.when == nil && copy.outputs.isEmpty && copy.parallel && copy.timeout == .seconds(600))
        #expect(copy.cwd == "/project/tools")
        #expect(config.services.count == 1)
        #expect(config.services[0].cwd == "/project/webview")
        #expect(config.services[0].ready == "ready in")
        #expect(config.services[0].readyTimeout == .seconds(60))
        let printed = ConfigPrinter.toml(config)
        #expect(printed.contains("[[stage]]\nname = \"build-core\""))
        #expect(printed.contains("[[service]]\nname = \"webview\""))
        let reparsed = try ConfigLoader.parse(source: printed, file: Self.file)
        #expect(reparsed.stages == config.stages && reparsed.services == config.services)
    }

    @Test("bytes that are not UTF-8 are placed at the first bad one")
    func notUTF8() {
        let data = Data("[server]\ncommand = [\"x".utf8) + Data([0xC3, 0x28]) + Data("\"]\n".utf8)
        #expect(throws: ConfigError(file: Self.file, line: 2, column: 14, message: "the file is not UTF-8 text", fix: "save it as UTF-8")) {
            try ConfigLoader.load(data: data, file: Self.file, environment: [:])
        }
    }

    @Test("loopback hosts are recognised", arguments: [
        ("127.0.0.1", true), ("127.1.2.3", true), ("localhost", true), ("[::1]", true),
        ("192.168.1.5", false), ("10.0.0.2", false), ("example.com", false), ("127.0.0", false),
    ])
    func loopback(_ host: String, _ expected: Bool) {
        #expect(EndpointAddress.isLoopback(host) == expected)
    }

    @Test("every key of v1 is read")
    func everyKey() throws {
        let source = """
            [server]
            command = "./start.sh --verbose"
            cwd = "server"
            env = { NODE_OPTIONS = "--enable-source-maps" }
            ready = "Server (started|ready)"
            ready_timeout = "30s"
            stop_signal = "SIGTERM"
            stop_timeout = "2.5s"

            [watch]
            paths = ["resources", "../shared"]
            ignore = ["dist/"]
            debounce = "250ms"

            [reconnect]
            enabled = false
            url = "http://192.168.1.5:9223/"
            password = "hunter2"
            password_env = "MY_PASSWORD"
            retry_interval = "1s"
            timeout = "1m"
            allow_remote = true
            """
        let config = try ConfigLoader.parse(source: source, file: Self.file)
        #expect(config.server.command == .shell("./start.sh --verbose"))
        #expect(config.server.command.argv == ["/bin/sh", "-c", "./start.sh --verbose"])
        #expect(config.server.cwd == "/project/server")
        #expect(config.server.env == ["NODE_OPTIONS": "--enable-source-maps"])
        #expect(config.server.readyTimeout == .seconds(30))
        #expect(config.server.stopSignal.name == "SIGTERM")
        #expect(config.server.stopTimeout == .milliseconds(2500))
        #expect(config.watch.paths == ["/project/resources", "/shared"])
        #expect(config.watch.ignore == ["dist/"])
        #expect(config.watch.debounce == .milliseconds(250))
        #expect(!config.reconnect.enabled)
        #expect(config.reconnect.url == "http://192.168.1.5:9223")
        #expect(config.reconnect.password == Secret("hunter2"))
        #expect(config.reconnect.passwordEnv == "MY_PASSWORD")
        #expect(config.reconnect.retryInterval == .seconds(1))
        #expect(config.reconnect.timeout == .seconds(60))
    }

    @Test("the password comes from the key, else the named variable")
    func passwordSources() throws {
        let fromEnvironment = try ConfigLoader.parse(
            source: Self.minimal + "\n[reconnect]\npassword_env = \"PW\"\n", file: Self.file, environment: ["PW": "s3cret"])
        #expect(fromEnvironment.reconnect.password == Secret("s3cret"))
        #expect(fromEnvironment.reconnect.passwordSource == "$PW")
        let fromKey = try ConfigLoader.parse(
            source: Self.minimal + "\n[reconnect]\npassword = \"key\"\npassword_env = \"PW\"\n", file: Self.file,
            environment: ["PW": "s3cret"])
        #expect(fromKey.reconnect.password == Secret("key"))
    }

    @Test("a secret never prints itself")
    func secretIsMasked() {
        let secret = Secret("hunter2")
        #expect("\(secret)" == "********")
        #expect(String(reflecting: secret).contains("hunter2") == false)
    }

    struct BadCase: CustomTestStringConvertible, Sendable {
        let name: String
        let source: String
        let line: Int?
        let column: Int?
        let key: String?
        let message: String
        var testDescription: String { name }
    }

    static let badCases: [BadCase] = [
        BadCase(
            name: "wrong type for ready", source: "[server]\ncommand = [\"x\"]\nready = 5\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 9, key: "server.ready", message: "expected a string, found an integer"),
        BadCase(
            name: "bad duration", source: "[server]\ncommand = [\"x\"]\nstop_timeout = \"10 parsecs\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 16, key: "server.stop_timeout", message: "is not a duration"),
        BadCase(
            name: "duration as a number", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\ndebounce = 100\n",
            line: 5, column: 12, key: "watch.debounce", message: "expected a duration"),
        BadCase(
            name: "unknown key with a suggestion", source: "[server]\ncommand = [\"x\"]\nredy = \"x\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 1, key: "server.redy", message: "unknown key \"redy\" in [server]"),
        BadCase(
            name: "unknown section", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconect]\nurl = \"x\"\n",
            line: 5, column: 1, key: "reconect", message: "unknown key \"reconect\""),
        BadCase(
            name: "missing command", source: "[server]\nready = \"x\"\n[watch]\npaths = [\"r\"]\n",
            line: 1, column: 1, key: "server", message: "missing required key \"command\""),
        BadCase(
            name: "missing watch section", source: "[server]\ncommand = [\"x\"]\n",
            line: 1, column: 1, key: "watch", message: "missing required section [watch]"),
        BadCase(
            name: "non-string in paths", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\", 7]\n",
            line: 4, column: 15, key: "watch.paths.1", message: "expected a string, found an integer"),
        BadCase(
            name: "empty command array", source: "[server]\ncommand = []\n[watch]\npaths = [\"r\"]\n",
            line: 2, column: 11, key: "server.command", message: "the command is empty"),
        BadCase(
            name: "unknown signal", source: "[server]\ncommand = [\"x\"]\nstop_signal = \"SIGNOPE\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 15, key: "server.stop_signal", message: "unknown signal"),
        BadCase(
            name: "bad regex", source: "[server]\ncommand = [\"x\"]\nready = \"Server (started\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 17, key: "server.ready", message: "invalid regular expression: expected ')'\n    Server (started\n           ^"),
        BadCase(
            name: "env value not a string", source: "[server]\ncommand = [\"x\"]\nenv = { A = 1 }\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 13, key: "server.env.A", message: "expected a string"),
        BadCase(
            name: "syntax error", source: "[server]\ncommand = [\"x\"\n[watch]\n",
            line: 3, column: 1, key: nil, message: "invalid TOML"),
        BadCase(
            name: "url that is not http", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconnect]\nurl = \"ftp://x\"\n",
            line: 6, column: 7, key: "reconnect.url", message: "is not an http URL"),
        BadCase(
            name: "remote url without allow_remote", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconnect]\nurl = \"http://10.0.0.2:9223\"\n",
            line: 6, column: 7, key: "reconnect.url", message: "10.0.0.2 is not a loopback address"),
        BadCase(
            name: "unknown on_crash", source: "[server]\ncommand = [\"x\"]\non_crash = \"retry\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 12, key: "server.on_crash", message: "expected \"wait\" or \"restart\""),
        BadCase(
            name: "port out of range", source: "[server]\ncommand = [\"x\"]\nport = 70000\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 8, key: "server.port", message: "70000 is not a port"),
        BadCase(
            name: "enabled as a string", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[reconnect]\nenabled = \"yes\"\n",
            line: 6, column: 11, key: "reconnect.enabled", message: "expected true or false"),
        BadCase(
            name: "two stages with one name",
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[stage]]\nname = \"b\"\ncommand = \"x\"\n[[stage]]\nname = \"b\"\ncommand = \"y\"\n",
            line: 9, column: 8, key: "stage.1.name", message: "another [[stage]] is already named \"b\" on line 6"),
        BadCase(
            name: "two services with one name",
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[service]]\nname = \"w\"\ncommand = \"x\"\n[[service]]\nname = \"w\"\ncommand = \"y\"\n",
            line: 9, column: 8, key: "service.1.name", message: "another [[service]] is already named \"w\""),
        BadCase(
            name: "stage without a name",
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[stage]]\ncommand = \"x\"\n",
            line: 5, column: 1, key: "stage.0", message: "missing required key \"name\" in [[stage]]"),
        BadCase(
            name: "stage without a command",
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[stage]]\nname = \"b\"\n",
            line: 5, column: 1, key: "stage.0", message: "missing required key \"command\" in [stage.0]"),
        BadCase(
            name: "unknown key in a stage",
            source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[stage]]\nname = \"b\"\ncommand = \"x\"\noutputz = []\n",
            line: 8, column: 1, key: "stage.0.outputz", message: "unknown key \"outputz\""),
        BadCase(
            name: "unknown on_busy", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\non_busy = \"wait\"\n",
            line: 5, column: 11, key: "watch.on_busy", message: "expected \"restart\" or \"queue\", found \"wait\""),
        BadCase(
            name: "unknown on_change", source: "[server]\ncommand = [\"x\"]\non_change = \"reload\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 13, key: "server.on_change", message: "expected \"restart\" or \"restart-resources\""),
        BadCase(
            name: "unknown platform", source: "[server]\ncommand = [\"x\"]\nplatform = \"gta-mp\"\n[watch]\npaths = [\"r\"]\n",
            line: 3, column: 12, key: "server.platform", message: "expected \"altv\" or \"fivem\" or \"redm\", found \"gta-mp\""),
        BadCase(
            name: "bad regex in a service", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[[service]]\nname = \"w\"\ncommand = \"x\"\nready = \"(\"\n",
            line: 8, column: 10, key: "service.0.ready", message: "invalid regular expression"),
        BadCase(
            name: "stage as a plain table", source: "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n[stage]\nname = \"b\"\n",
            line: 5, column: 1, key: "stage", message: "expected [[stage]] sections, found a table"),
    ]

    @Test("bad files name the file, line, column and key", arguments: badCases)
    func badFiles(_ bad: BadCase) {
        do {
            _ = try ConfigLoader.parse(source: bad.source, file: Self.file)
            Issue.record("expected an error")
        } catch {
            #expect(error.file == Self.file)
            #expect(error.line == bad.line)
            #expect(error.column == bad.column)
            #expect(error.key == bad.key)
            #expect(error.message.contains(bad.message), "\(error.message)")
        }
    }

    @Test("every problem in the file is listed, in one pass")
    func everyProblem() {
        let source = "[server]\ncommand = 5\nready_timeout = \"soon\"\n[watch]\npaths = [\"r\"]\ndebounce = 1\n[reconnect]\nurl = \"x\"\n"
        do {
            _ = try ConfigLoader.parse(source: source, file: Self.file)
            Issue.record("expected errors")
        } catch {
            #expect(error.all.map(\.key) == ["server.command", "server.ready_timeout", "watch.debounce", "reconnect.url"])
            #expect(error.description.split(separator: "\n").filter { $0.contains(": error: ") }.count == 4)
        }
    }

    @Test("${VAR} and ${VAR:-default} are expanded; an unset variable is an error naming it")
    func variables() throws {
        let source = "[server]\ncommand = [\"${ALTV}/altv-server\", \"--port=${PORT:-7788}\"]\nready = \"$${literal}\"\n[watch]\npaths = [\"r\"]\n"
        let config = try ConfigLoader.parse(source: source, file: Self.file, environment: ["ALTV": "/opt/altv"])
        #expect(config.server.command == .arguments(["/opt/altv/altv-server", "--port=7788"]))
        #expect(config.server.ready == "${literal}")
        do {
            _ = try ConfigLoader.parse(source: source, file: Self.file, environment: [:])
            Issue.record("expected an error")
        } catch {
            #expect(error.key == "server.command.0")
            #expect(error.line == 2 && error.column == 12)
            #expect(error.message == "environment variable ALTV is not set")
        }
    }

    @Test("a default may hold a variable: ${A:-${B}} is B's value (it was `${B}}`), nested defaults fall through")
    func nestedDefaults() throws {
        #expect(try VariableExpander.expand("${A:-${B}}", environment: ["B": "b"]) == "b")
        #expect(try VariableExpander.expand("x${A:-${B:-${C:-deep}}}y", environment: [:]) == "xdeepy")
        #expect(try VariableExpander.expand("${A:-${B}}/${A}", environment: ["A": "a"]) == "a/a")
        #expect(try VariableExpander.expand("${A:-{}}", environment: [:]) == "{}")
        #expect(throws: VariableExpander.Failure.self) { try VariableExpander.expand("${A:-${B}}", environment: [:]) }
        #expect(throws: VariableExpander.Failure.self) { try VariableExpander.expand("${A:-${B}", environment: [:]) }
        let deep = String(repeating: "${A:-", count: 12) + "x" + String(repeating: "}", count: 12)
        #expect(throws: VariableExpander.Failure.self) { try VariableExpander.expand(deep, environment: [:]) }
    }

    @Test("watched folders must exist when the file is loaded from disk")
    func missingFolder() throws {
        let folder = NSTemporaryDirectory() + "altv-dev-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/resources", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/altv-dev.toml"
        try Data("[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"resources\", \"missing\"]\n".utf8).write(to: URL(fileURLWithPath: file))
        #expect(throws: ConfigError.self) { try ConfigLoader.load(file: file) }
        do {
            _ = try ConfigLoader.load(file: file)
        } catch {
            #expect(error.key == "watch.paths.1")
            #expect(error.message == "\(folder)/missing is not a folder")
        }
    }

    @Test("a config over 1 MiB is refused by its size before it is read, at start and on a hot reload")
    func tooBig() throws {
        let folder = NSTemporaryDirectory() + "altv-dev-config-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder + "/resources", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        let file = folder + "/altv-dev.toml"
        let good = "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"resources\"]\n"
        try Data(good.utf8).write(to: URL(fileURLWithPath: file))
        let config = try ConfigLoader.load(file: file)
        try Data((good + "# " + String(repeating: "x", count: ConfigLoader.maximumSize) + "\n").utf8).write(to: URL(fileURLWithPath: file))
        do {
            _ = try ConfigLoader.load(file: file)
            Issue.record("loaded")
        } catch {
            #expect(error.file == file && error.message.hasSuffix("bytes; a config over 1048576 bytes (1 MiB) is not read"))
        }
        guard case .rejected(let errors) = ConfigReload.read(current: config, environment: [:]) else {
            Issue.record("not rejected")
            return
        }
        #expect(errors.first?.message.contains("1 MiB") == true)
    }

    @Test("a password the TOML reader cannot read is never quoted back: not in the message, the fix or the key", arguments: [
        "[reconnect]\npassword = hunter22secret\n", "[reconnect]\n  \"password\" = hunter22secret\n", "reconnect.password = hunter22secret\n",
        "[reconnect]\npassword = \"hunter22secret\n",
    ])
    func unquotedPassword(_ tail: String) {
        let source = "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"r\"]\n" + tail
        do {
            _ = try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml")
            Issue.record("parsed")
        } catch {
            #expect(!error.description.contains("hunter22") && !error.message.contains("hunter22") && error.fix?.contains("hunter22") != true)
            #expect(error.message.contains("(not shown: it is a password)"))
            #expect(error.line == source.split(separator: "\n").count)
        }
        // Any other key's bad value is still quoted, which is what helps there.
        do {
            _ = try ConfigLoader.parse(source: "[server]\ncommand = nonsense\n", file: "/p/altv-dev.toml")
        } catch {
            #expect(error.message.contains("nonsense"))
        }
    }

    @Test("a misspelled key gets a suggestion")
    func suggestion() {
        do {
            _ = try ConfigLoader.parse(source: "[server]\ncommand = [\"x\"]\nredy = \"x\"\n[watch]\npaths = [\"r\"]\n", file: Self.file)
            Issue.record("expected an error")
        } catch {
            #expect(error.fix == "did you mean \"ready\"?")
            #expect(error.description.hasPrefix("/project/altv-dev.toml:3:1: error: server.redy: unknown key"))
        }
    }

    @Test("paths = [\"/\"] or the home folder is refused at its place, as air does")
    func tooMuchToWatch() {
        for (path, words) in [("/", "the whole file system"), ("/home/dev", "your home folder"), ("/home/dev/", "your home folder")] {
            let source = "[server]\ncommand = [\"x\"]\n[watch]\npaths = [\"\(path)\"]\n"
            do {
                _ = try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml", environment: ["HOME": "/home/dev"])
                Issue.record("\(path) accepted")
            } catch {
                #expect(error.line == 4 && error.message.contains(words) && error.fix?.contains("paths = [\".\"]") == true, "\(error)")
            }
        }
    }
}
