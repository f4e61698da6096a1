import Foundation
import Testing

@testable import AltVDev

@Suite("gitignore rules")
struct PathFilterTests {
    struct Case: Sendable, CustomTestStringConvertible {
        let patterns: [String]
        let path: String
        let isDirectory: Bool
        let ignored: Bool
        var testDescription: String { "\(patterns) \(path)\(isDirectory ? "/" : "") → \(ignored ? "ignored" : "watched")" }
    }

    static let cases: [Case] = [
        Case(patterns: ["*.log"], path: "server.log", isDirectory: false, ignored: true),
        Case(patterns: ["*.log"], path: "a/b/debug.log", isDirectory: false, ignored: true),
        Case(patterns: ["*.log"], path: "a/log.js", isDirectory: false, ignored: false),
        Case(patterns: ["node_modules/"], path: "res/core/node_modules", isDirectory: true, ignored: true),
        Case(patterns: ["node_modules/"], path: "res/core/node_modules/x/index.js", isDirectory: false, ignored: true),
        Case(patterns: ["node_modules/"], path: "res/node_modules", isDirectory: false, ignored: false),
        Case(patterns: ["/dist"], path: "dist", isDirectory: true, ignored: true),
        Case(patterns: ["/dist"], path: "res/dist", isDirectory: true, ignored: false),
        Case(patterns: ["res/*.js"], path: "res/a.js", isDirectory: false, ignored: true),
        Case(patterns: ["res/*.js"], path: "res/sub/a.js", isDirectory: false, ignored: false),
        Case(patterns: ["**/build"], path: "a/b/build", isDirectory: true, ignored: true),
        Case(patterns: ["**/build"], path: "build", isDirectory: false, ignored: true),
        Case(patterns: ["a/**/b"], path: "a/b", isDirectory: false, ignored: true),
        Case(patterns: ["a/**/b"], path: "a/x/y/b", isDirectory: false, ignored: true),
        Case(patterns: ["a/**"], path: "a/x/y", isDirectory: false, ignored: true),
        Case(patterns: ["a/**"], path: "a", isDirectory: true, ignored: false),
        Case(patterns: ["*.js", "!keep.js"], path: "src/keep.js", isDirectory: false, ignored: false),
        Case(patterns: ["*.js", "!keep.js"], path: "src/other.js", isDirectory: false, ignored: true),
        Case(patterns: ["build/", "!build/keep.js"], path: "build/keep.js", isDirectory: false, ignored: true),
        Case(patterns: ["\\!important"], path: "!important", isDirectory: false, ignored: true),
        Case(patterns: ["\\#notes"], path: "#notes", isDirectory: false, ignored: true),
        Case(patterns: ["# a comment"], path: "# a comment", isDirectory: false, ignored: false),
        Case(patterns: ["file[0-9].txt"], path: "file7.txt", isDirectory: false, ignored: true),
        Case(patterns: ["file[!0-9].txt"], path: "file7.txt", isDirectory: false, ignored: false),
        Case(patterns: ["?.ts"], path: "x/a.ts", isDirectory: false, ignored: true),
        Case(patterns: ["trailing.txt   "], path: "trailing.txt", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/.index.js.swp", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/index.js~", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/4913", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/#index.js#", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/.#index.js", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/index.js___jb_tmp___", isDirectory: false, ignored: true),
        Case(patterns: [], path: ".git/HEAD", isDirectory: false, ignored: true),
        Case(patterns: [], path: "core/index.js", isDirectory: false, ignored: false),
        Case(patterns: ["!*.swp"], path: "core/a.swp", isDirectory: false, ignored: false),
    ]

    @Test("verdicts", arguments: cases)
    func verdict(_ testCase: Case) {
        let filter = PathFilter(base: "/p", patterns: testCase.patterns, source: "altv-dev.toml")
        #expect(filter.isIgnored("/p/" + testCase.path, isDirectory: testCase.isDirectory) == testCase.ignored)
    }

    @Test("the deciding rule and its source are reported")
    func decidingRule() {
        let filter = PathFilter(base: "/p", patterns: ["*.log", "!keep.log"], source: "altv-dev.toml")
        let verdict = filter.verdict(for: "/p/a/keep.log", isDirectory: false)
        #expect(!verdict.ignored)
        #expect(verdict.rule?.description == "altv-dev.toml:2:!keep.log")
        #expect(filter.verdict(for: "/p/x.swp", isDirectory: false).rule?.source == "built-in")
    }

    @Test("relative paths")
    func relative() {
        #expect(PathFilter.relative("/p/a/b", to: "/p") == "a/b")
        #expect(PathFilter.relative("/pa/b", to: "/p") == nil)
        #expect(PathFilter.relative("/p", to: "/p") == "")
    }
}

@Suite("The project's .gitignore")
struct GitignoreTests {
    func project(gitignore: String, config extra: String = "") throws -> Config {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("altv-dev-gitignore-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        try gitignore.write(toFile: folder + "/.gitignore", atomically: true, encoding: .utf8)
        return try ConfigLoader.parse(source: "[server]\ncommand = [\"s\"]\n[watch]\npaths = [\".\"]\n" + extra, file: folder + "/altv-dev.toml")
    }

    @Test("its rules join the ignore rules, each named by line (what check --why prints); [watch] ignore wins; gitignore = false leaves it out")
    func joins() throws {
        let config = try project(gitignore: "# alt:V's runtime files\nipc.txt\r\ncache/\n!keep.log\n")
        let ipc = config.ignoreFilter.verdict(for: config.directory + "/ipc.txt", isDirectory: false)
        #expect(ipc.ignored)
        #expect(ipc.rule?.description == ".gitignore:2:ipc.txt")
        #expect(config.ignoreFilter.verdict(for: config.directory + "/cache/a.bin", isDirectory: false).ignored)
        // The config's own `*.log` (its default) comes after the .gitignore's `!keep.log`, and wins.
        #expect(config.ignoreFilter.verdict(for: config.directory + "/keep.log", isDirectory: false).ignored)
        let negated = try project(gitignore: "ipc.txt\n", config: "ignore = [\"!ipc.txt\"]\n")
        #expect(!negated.ignoreFilter.verdict(for: negated.directory + "/ipc.txt", isDirectory: false).ignored)
        let off = try project(gitignore: "ipc.txt\n", config: "gitignore = false\n")
        #expect(!off.ignoreFilter.verdict(for: off.directory + "/ipc.txt", isDirectory: false).ignored)
    }

    @Test("a stage's outputs are never hidden by it, nor the folders above them: altv-dev must see the build's writes")
    func stageOutputsExempt() throws {
        let stage = "[[stage]]\nname = \"build\"\ncommand = \"tsc\"\noutputs = [\"resources/core/**\"]\n"
        let config = try project(gitignore: "resources/\n*.js\n", config: stage)
        let filter = config.ignoreFilter
        #expect(!filter.verdict(for: config.directory + "/resources/core/server/index.js", isDirectory: false).ignored)
        #expect(!filter.isIgnoredEntry(config.directory + "/resources", isDirectory: true))
        // Elsewhere the .gitignore holds.
        #expect(filter.verdict(for: config.directory + "/src/a.js", isDirectory: false).ignored)
    }
}
