import Testing

@testable import AltVDev

@Suite("when and outputs globs")
struct GlobSetTests {
    @Test("patterns relative to the config's folder; ../ climbs out of it (sources beside the server folder), ! negates there too")
    func climbing() {
        let globs = GlobSet(base: "/srv/game/server", patterns: ["src/**", "../client/**/*.ts", "!../client/gen/**", "./types/**"])
        #expect(globs.matches("/srv/game/server/src/a.ts"))
        #expect(globs.matches("/srv/game/client/ui/a.ts"))
        #expect(!globs.matches("/srv/game/client/ui/a.css"))
        #expect(!globs.matches("/srv/game/client/gen/a.ts"))
        #expect(globs.matches("/srv/game/server/types/x.d.ts"))
        #expect(!globs.matches("/srv/other/client/a.ts"))
        #expect(GlobSet.climb("!../../x/**", from: "/a/b/c") == ("/a", "!x/**"))
        #expect(GlobSet(base: "/srv/game/server", patterns: ["../client/**"]).covers("/srv/game/client", isDirectory: true))
    }
}
