import Testing

@testable import AltVDev

@Suite("The inotify watch limit, reached")
struct WatchLimitTests {
    @Test("the folders left out become the roots to poll; the message names the limit, the count, the largest subtrees and both fixes")
    func message() {
        let failed = ["/p/resources/chat", "/p/resources/chat/server", "/p/node_modules/a", "/p/node_modules/b", "/p/node_modules/b/lib"]
        let roots = WatchLimit.roots(of: failed)
        #expect(roots.map(\.path) == ["/p/node_modules/a", "/p/node_modules/b", "/p/resources/chat"])
        #expect(roots.map(\.folders) == [1, 2, 2])
        let text = WatchLimit.message(limit: "8192", watched: 10, roots: roots, shown: { PathFilter.relative($0, to: "/p") ?? $0 })
        #expect(text.hasPrefix("inotify watch limit reached (fs.inotify.max_user_watches = 8192): 15 folders were to be watched, 5 are not"))
        #expect(text.contains("the largest left out: node_modules (3), resources/chat (2)"))
        #expect(text.contains("sudo sysctl fs.inotify.max_user_watches=524288") && text.contains("/etc/sysctl.d/60-inotify.conf"))
        #expect(text.contains("They are polled instead") && text.contains("[watch] ignore"))
    }
}
