import Testing

@testable import AltVDev

/// The real alt:V server's resource lines and console answers (shared/altv/README.md, "Measured on real server builds").
@Suite("alt:V: resource lines, console lines, resource folders")
struct AltVPlatformTests {
    @Test("resource lines are read after any timestamp, level or colour", arguments: [
        ("[18:05:05] Loaded resource core", ResourceLine.loaded("core")),
        ("[18:05:05][Error] Failed to load resource chat", .failed("chat")),
        ("Loaded resource maps/island  ", .loaded("maps/island")),
        ("[..] Loading resource core", .loading("core")),
        ("\u{1B}[37m[12:00:00] Loaded resource \u{1B}[92mhello", .loaded("hello")),
        ("\u{1B}[37m[12:00:00] Stopping resource \u{1B}[92mdependent", .stopping("dependent")),
        ("[12:00:00] Stopped resource other", .stopped("other")),
        ("\u{1B}[37m[12:00:00][Error] No such resource hello is loaded", .notLoaded("hello")),
        ("[12:00:00][Warning] Resource already loaded", .alreadyLoaded),
        ("[12:00:00]  Usage: restart [resourcename]", .usage("restart [resourcename]")),
    ])
    func parsed(line: String, expected: ResourceLine) {
        #expect(Array(line.utf8).withUnsafeBytes { AltVPlatform.parse($0) } == expected)
    }

    @Test("other lines are none of them", arguments: [
        "[12:00:00] Server started", "Error: boom at load", "[12:00:00] Loaded resource", "[12:00:00] Loaded resource two words",
        "[12:00:00][Warning] For changes in permissions, restarting server is required for changes to apply",
    ])
    func others(line: String) {
        #expect(AltVPlatform.parse(line) == nil)
    }

    @Test("the console's words, a folder's name, and deps loaded again by the server itself")
    func console() {
        let platform = AltVPlatform()
        #expect(platform.consoleLine(.restart, "core") == "restart core" && platform.consoleLine(.start, "core") == "start core")
        #expect(platform.consoleLine(.stop, "maps/island") == "stop maps/island")
        #expect(platform.resourceName(ofFolder: "maps/island") == "maps/island" && !platform.isCategory("[maps]"))
        #expect(platform.reloadsDependents && platform.manifestNames == ["resource.toml"])
        let line = Array("[18:05:05] Loaded resource core".utf8)
        #expect(line.withUnsafeBytes { platform.resourceFacts(in: $0) } == [.loaded("core")])
    }
}
