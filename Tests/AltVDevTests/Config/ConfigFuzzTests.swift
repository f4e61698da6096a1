import Foundation
import TestSupport
import Testing

@testable import AltVDev

/// Seeded random and mutated configs through the loader: never a crash or a hang, and every
/// error has a place.
@Suite("Config loader under fuzzing")
struct ConfigFuzzTests {
    static let seed = """
        [server]
        command = ["./altv-server", "--port", "${PORT:-7788}"]
        cwd = "."
        env = { NODE_OPTIONS = "--enable-source-maps" }
        ready = "Server (started|ready)"
        ready_timeout = "2m"
        stop_signal = "SIGINT"
        stop_timeout = "10s"
        on_crash = "wait"

        [watch]
        paths = ["resources"]
        ignore = ["node_modules/", "*.log", "!keep.log"]
        debounce = "100ms"

        [reconnect]
        url = "http://127.0.0.1:9223"
        password = "x"
        retry_interval = "2.5s"
        timeout = "1m"
        """

    static let fragments = [
        "[", "]", "[[", "]]", "=", "\"", "'", "\"\"\"", "{", "}", ",", ".", "#", "\n", " ", "\\", "${", "}", "ms", "5",
        "-1", "1e999", "true", "[server]", "[watch]", "[reconnect]", "ready = 5", "paths = []", "é", "\u{0}", "(", "[a-",
        "debounce = \"0s\"", "key = { a = { b = 1 } }", "x.y.z = 1", "\"quoted key\" = 1", "1979-05-27T07:32:00Z",
        // Dates and times, whole and half-typed (toml++ aborted on some of these).
        "1987-07-05T-17:45:00", "1979-05-27T'''07:32:12-07:00", "1979-05-27", "07:32:00.999", "1979-05-27 07:32:00",
        "T", "Z", "-07:00", "+25:00", "2000-02-30", "24:00:00", ":", "1979-", "12:3",
        // Numbers.
        "0x", "0xDEAD_BEEF", "0o777", "0b102", "1_000", "1__0", "_1", "1_", "01", "3.14", "1.", ".5", "1e", "1e+", "6.626e-34",
        "inf", "-nan", "+inf", "9223372036854775808", "-9223372036854775808", "1.5e999",
        // Strings.
        "\"\"\"", "'''", "\\u00E9", "\\UFFFFFFFF", "\\uD800", "\\x41", "\\", "\\\n", "\"\"\"\"\"\"", "\r", "\u{7F}", "\t",
    ]

    func mutate(_ text: String, using random: inout SeededRandom) -> String {
        var characters = Array(text)
        for _ in 0..<Int.random(in: 1...6, using: &random) {
            let position = Int.random(in: 0...characters.count, using: &random)
            switch Int.random(in: 0..<4, using: &random) {
            case 0 where !characters.isEmpty:
                characters.remove(at: min(position, characters.count - 1))
            case 1:
                characters.insert(contentsOf: Self.fragments.randomElement(using: &random)!, at: position)
            case 2 where position < characters.count:
                let end = min(characters.count, position + Int.random(in: 1...40, using: &random))
                characters.removeSubrange(position..<end)
            default:
                let start = Int.random(in: 0..<max(1, characters.count), using: &random)
                let end = min(characters.count, start + Int.random(in: 1...30, using: &random))
                if start < end { characters.insert(contentsOf: characters[start..<end], at: position) }
            }
        }
        return String(characters)
    }

    func randomDocument(using random: inout SeededRandom) -> String {
        (0..<Int.random(in: 0...30, using: &random)).map { _ in Self.fragments.randomElement(using: &random)! }.joined()
    }

    @Test("10,000 mutated and 2,000 random files: each parses or fails with file, line and column")
    func fuzz() async {
        // ALTV_DEV_FUZZ_SEED and ALTV_DEV_FUZZ_COUNT run a longer or different campaign by hand.
        let environment = ProcessInfo.processInfo.environment
        var random = SeededRandom(seed: environment["ALTV_DEV_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_126)
        let count = environment["ALTV_DEV_FUZZ_COUNT"].flatMap(Int.init) ?? 12000
        var failures = 0
        for index in 0..<count {
            if index % 500 == 0 { await Task.yield() }  // a core of the 2-thread pool is not ours alone
            let source = index < count * 5 / 6 ? mutate(Self.seed, using: &random) : randomDocument(using: &random)
            if let path = ProcessInfo.processInfo.environment["ALTV_DEV_FUZZ_LAST"] {
                try? source.write(toFile: path, atomically: false, encoding: .utf8)
            }
            do {
                _ = try ConfigLoader.parse(source: source, file: "/fuzz/altv-dev.toml", environment: ["PORT": "1"])
            } catch {
                failures += 1
                for problem in error.all {
                    #expect(problem.line != nil && problem.column != nil, "no position for: \(problem) in:\n\(source)")
                }
            }
        }
        #expect(failures > count / 2)
    }
}
