import Foundation
import Testing

/// The version lives in VERSION; `altv-dev --version` of a source build and scripts/dist follow it,
/// and a tag only confirms it.
@Suite("The version")
struct VersionTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent()

    func run(_ arguments: [String], in folder: URL) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = arguments
        process.currentDirectoryURL = folder
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    @Test("a source build says VERSION's version")
    func sourceBuild() throws {
        let version = try String(contentsOf: Self.root.appendingPathComponent("VERSION"), encoding: .utf8).trimmingCharacters(in: .whitespacesAndNewlines)
        let swift = try String(contentsOf: Self.root.appendingPathComponent("Sources/altv-dev/Version.swift"), encoding: .utf8)
        #expect(swift.contains("let altvDevVersion = \"\(version)-dev (built from source)\""))
    }

    @Test("scripts/version: VERSION at its tag, VERSION-dev.g<sha> off it, an error for a tag that disagrees, in a clone without tags too")
    func releaseVersion() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("altv-dev-version-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder.appendingPathComponent("scripts"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try FileManager.default.copyItem(at: Self.root.appendingPathComponent("scripts/version"), to: folder.appendingPathComponent("scripts/version"))
        try "1.2.3\n".write(to: folder.appendingPathComponent("VERSION"), atomically: true, encoding: .utf8)
        let git = ["git", "-c", "user.name=t", "-c", "user.email=t@t", "-c", "commit.gpgsign=false", "-c", "tag.gpgsign=false"]
        for command in [["git", "init", "-q"], ["git", "add", "."], git + ["commit", "-qm", "x"]] { _ = try run(command, in: folder) }
        let untagged = try run(["bash", "scripts/version"], in: folder)
        // Output only: the test bundle's process reaper (other suites run children) may take exit statuses first.
        #expect(untagged.output.hasPrefix("1.2.3-dev.g") && untagged.output.contains("\n1.2.3~dev.g"), "\(untagged.output)")
        _ = try run(git + ["tag", "v1.2.3"], in: folder)
        #expect(try run(["bash", "scripts/version"], in: folder).output == "1.2.3\n1.2.3\n1.2.3\n")
        _ = try run(git + ["tag", "-d", "v1.2.3"], in: folder)
        _ = try run(git + ["tag", "v9.9.9"], in: folder)
        let wrong = try run(["bash", "scripts/version"], in: folder)
        #expect(wrong.output.contains("tag v9.9.9 does not match VERSION (1.2.3)") && !wrong.output.contains("1.2.3-dev"))
    }
}
