import Testing

@testable import AltVDev

@Suite("node_modules/.bin on a child's PATH")
struct ProjectBinTests {
    let existing: Set<String> = ["/srv/game/node_modules/.bin", "/srv/game/webview/node_modules/.bin"]

    @Test("the folders from cwd up, nearest first, only those that exist")
    func folders() {
        #expect(ProjectBin.folders(from: "/srv/game/webview", exists: existing.contains) == ["/srv/game/webview/node_modules/.bin", "/srv/game/node_modules/.bin"])
        #expect(ProjectBin.folders(from: "/srv/other", exists: existing.contains).isEmpty)
    }

    @Test("put before PATH once; a missing PATH keeps the shell's default behind them; nothing found changes nothing")
    func adding() {
        let added = ProjectBin.adding(to: ["PATH": "/usr/bin:/bin", "A": "1"], cwd: "/srv/game", exists: existing.contains)
        #expect(added == ["PATH": "/srv/game/node_modules/.bin:/usr/bin:/bin", "A": "1"])
        #expect(ProjectBin.adding(to: added, cwd: "/srv/game", exists: existing.contains) == added)
        #expect(ProjectBin.adding(to: [:], cwd: "/srv/game", exists: existing.contains)["PATH"] == "/srv/game/node_modules/.bin:/usr/local/bin:/usr/bin:/bin")
        #expect(ProjectBin.adding(to: ["PATH": "/bin"], cwd: "/elsewhere", exists: existing.contains) == ["PATH": "/bin"])
    }
}
