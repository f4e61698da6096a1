import Testing

@testable import AltVDev

/// FXServer's lines as shared/fivem/README.md quotes them (ServerResources.cpp, LuaScriptRuntime.cpp,
/// ResourceDependencyLoader.cpp): a 20-character channel before each, colours on even in a pipe.
@Suite("FXServer: resource lines, console lines, resource folders")
struct FXServerPlatformTests {
    static let platform = FXServerPlatform()

    static func facts(_ line: String) -> [ResourceLine] {
        Array(line.utf8).withUnsafeBytes { platform.resourceFacts(in: $0) }
    }

    @Test("the message after the channel and the colours is read from its start", arguments: [
        ("[           resources] Started resource chat", [ResourceLine.loaded("chat")]),
        ("\u{1B}[38;5;66m[           resources]\u{1B}[0m \u{1B}[0mStarted resource ox_lib (2 warnings)\u{1B}[0m", [.loaded("ox_lib")]),
        ("[ citizen-server-impl] Started resource sessionmanager", [.loaded("sessionmanager")]),
        ("[           resources] Stopping resource qbx_core", [.stopping("qbx_core"), .stopped("qbx_core")]),
        (
            "[ citizen-server-impl] \u{1B}[33mCouldn't find resource chat.\u{1B}[0m",
            [.loadError("chat", message: "Couldn't find resource chat."), .failed("chat")]
        ),
        (
            "[           resources] Couldn't start resource broken.",
            [.loadError("broken", message: "Couldn't start resource broken."), .failed("broken")]
        ),
        (
            "[       script:myres] Error parsing script @myres/server.lua in resource myres: @myres/server.lua:5: '=' expected near 'x'",
            [.loadError("myres", message: "Error parsing script @myres/server.lua in resource myres: @myres/server.lua:5: '=' expected near 'x'")]
        ),
        (
            "[       script:jsres] Error loading script @jsres/server.js in resource jsres: Error: boom",
            [.loadError("jsres", message: "Error loading script @jsres/server.js in resource jsres: Error: boom")]
        ),
        (
            "[           resources] Could not find dependency oxmysql for resource qbx_core.",
            [.loadError("qbx_core", message: "Could not find dependency oxmysql for resource qbx_core.")]
        ),
    ])
    func read(line: String, expected: [ResourceLine]) {
        #expect(Self.facts(line) == expected)
    }

    @Test("other lines say nothing: a script printing the words, the scan, a restart of a stopped resource", arguments: [
        "[       script:chatty] someone said Started resource chat",
        "[           resources] Scanning resources.",
        "[           resources] Found 145 resources.",
        "[           resources] Can't restart a stopped resource.",
        "[    c-scripting-core] Creating script environments for sessionmanager",
        "[           resources] Started resource",
        "[           resources] Started resource two words",
        "[",
        "",
    ])
    func others(line: String) {
        #expect(Self.facts(line).isEmpty)
    }

    @Test("ensure restarts a started resource and starts a stopped one; stop; RedM reads fxmanifest.lua only")
    func console() {
        #expect(Self.platform.consoleLine(.restart, "chat") == "ensure chat")
        #expect(Self.platform.consoleLine(.start, "chat") == "ensure chat")
        #expect(Self.platform.consoleLine(.stop, "chat") == "stop chat")
        #expect(!Self.platform.reloadsDependents)
        #expect(Self.platform.manifestNames == ["fxmanifest.lua", "__resource.lua"])
        #expect(FXServerPlatform(kind: .redm).manifestNames == ["fxmanifest.lua"])
        #expect(PlatformKind.redm.platform.kind == .redm && PlatformKind.fivem.platform.kind == .fivem && PlatformKind.altv.platform.kind == .altv)
    }

    @Test("a resource in a [category] is named by its own folder; the category is none")
    func folders() {
        #expect(Self.platform.resourceName(ofFolder: "[gameplay]/chat") == "chat")
        #expect(Self.platform.resourceName(ofFolder: "chat") == "chat")
        #expect(Self.platform.isCategory("[gameplay]") && !Self.platform.isCategory("gameplay"))
        let map = ResourceMap(
            resourcesDir: "/srv/resources", platform: Self.platform, hasManifest: { $0 == "/srv/resources/[gameplay]/chat" }, folderExists: { _ in true })
        #expect(map.resource(containing: "/srv/resources/[gameplay]/chat/server.lua") == "chat")
        #expect(map.resource(containing: "/srv/resources/[gameplay]/new/server.lua") == "new")
        #expect(map.resource(containing: "/srv/resources/[gameplay]/notes.txt") == nil)
    }

    @Test("`ensure other`: done with other; the dependents the server stopped are left for altv-dev to ensure")
    func ensureWithDependents() {
        var watch = ResourceCommandWatch(.restart, "other", on: Self.platform)
        #expect(watch.command == "ensure other" && !watch.awaitsDependents)
        for line in ["Stopping resource dependent", "Stopping resource other"] {
            for fact in Self.facts("[           resources] " + line) { #expect(watch.observe(fact) == nil) }
        }
        #expect(watch.observe(.loaded("other")) == .done(loaded: ["other"], failed: []))
        #expect(watch.missing == ["dependent"])
    }

    @Test("a script that does not parse: the resource starts, and its load is a failure with the error line")
    func scriptError() {
        let error = "Error parsing script @myres/server.lua in resource myres: @myres/server.lua:5: '=' expected near 'x'"
        var watch = ResourceCommandWatch(.restart, "myres", on: Self.platform)
        var state = LoadedResources()
        for fact in Self.facts("[       script:myres] " + error) + Self.facts("[           resources] Started resource myres") {
            let verdict = watch.observe(fact)
            let failedLoad = state.apply(fact)
            if case .loaded = fact {
                #expect(verdict == .done(loaded: [], failed: ["myres"]))
                #expect(failedLoad == "myres")
            }
        }
        #expect(state.isLoaded("myres"))
        #expect(state.failure(of: "myres").lines == [error])
        // The next clean start clears it.
        #expect(state.apply(.loaded("myres")) == nil)
        #expect(state.errors.isEmpty)
    }

    @Test("`Couldn't find resource X.` ends the command as a failure naming the line")
    func notFound() {
        var watch = ResourceCommandWatch(.start, "ghost", on: Self.platform)
        var state = LoadedResources()
        var verdict: ResourceCommandWatch.Verdict?
        for fact in Self.facts("[ citizen-server-impl] Couldn't find resource ghost.") {
            verdict = watch.observe(fact) ?? verdict
            state.apply(fact)
        }
        #expect(verdict == .done(loaded: [], failed: ["ghost"]))
        #expect(state.failure(of: "ghost").lines == ["Couldn't find resource ghost."])
    }
}
