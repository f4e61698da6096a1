import Testing

@testable import AltVDev

/// What the loop makes of the resource facts the platforms read: the loaded set, and each console command's answer.
@Suite("Resource facts and console answers")
struct ResourceLineTests {
    @Test("the loaded set follows the server's lines; a failed load keeps its lines and unloads it")
    func loadedResources() {
        var state = LoadedResources()
        state.apply(.loading("core"))
        state.capture("core says hi")
        state.apply(.loaded("core"))
        state.apply(.loading("hello"))
        #expect(state.isLoading)
        state.capture("Error: boom at load")
        state.capture("    at file:///srv/resources/hello/server.js:3:7")
        state.apply(.failed("hello"))
        #expect(!state.isLoading)
        #expect(state.loaded == ["core"])
        #expect(state.attempted == ["core", "hello"])
        #expect(state.errors == ["hello": ["Error: boom at load", "    at file:///srv/resources/hello/server.js:3:7"]])
        state.apply(.stopped("core"))
        #expect(!state.isLoaded("core"))
        state.apply(.loading("hello"))
        state.apply(.loaded("hello"))
        #expect(state.errors.isEmpty)
        state.apply(.loading("x"))
        for index in 0..<100 { state.capture("line \(index)") }
        state.apply(.failed("x"))
        #expect(state.errors["x"]?.count == LoadedResources.keptErrorLines)
    }

    @Test("`restart other`: done once other and every dependent the server stopped are loaded again")
    func restartWithDependents() {
        var watch = ResourceCommandWatch(.restart, "other")
        #expect(watch.command == "restart other")
        for line: ResourceLine in [.stopping("other"), .stopping("dependent"), .stopped("dependent"), .stopped("other"), .loading("other")] {
            #expect(watch.observe(line) == nil)
        }
        #expect(watch.observe(.loaded("other")) == nil)
        #expect(watch.missing == ["dependent"])
        #expect(watch.observe(.loading("dependent")) == nil)
        #expect(watch.observe(.loaded("dependent")) == .done(loaded: ["other", "dependent"], failed: []))
    }

    @Test("a target that fails ends the command at once; a dependent that fails is named")
    func failures() {
        var broken = ResourceCommandWatch(.restart, "other")
        _ = broken.observe(.stopping("other"))
        _ = broken.observe(.stopping("dependent"))
        #expect(broken.observe(.failed("other")) == .done(loaded: [], failed: ["other"]))
        #expect(broken.missing == ["dependent"])
        var dependent = ResourceCommandWatch(.restart, "other")
        _ = dependent.observe(.stopping("dependent"))
        _ = dependent.observe(.loaded("other"))
        #expect(dependent.observe(.failed("dependent")) == .done(loaded: ["other"], failed: ["dependent"]))
    }

    @Test("the console's refusals: not loaded, already loaded, usage; lines of other resources are not the answer")
    func refusals() {
        var restart = ResourceCommandWatch(.restart, "hello")
        #expect(restart.observe(.loaded("core")) == nil)
        #expect(restart.observe(.notLoaded("core")) == nil)
        #expect(restart.observe(.notLoaded("hello")) == .notLoaded)
        var start = ResourceCommandWatch(.start, "hello")
        #expect(start.command == "start hello")
        #expect(start.observe(.alreadyLoaded) == .alreadyLoaded)
        var usage = ResourceCommandWatch(.restart, "a")
        #expect(usage.observe(.usage("restart [resourcename]")) == .usage("restart [resourcename]"))
        // `start dependent` may load what it depends on first: not the answer yet.
        var withDependency = ResourceCommandWatch(.start, "dependent")
        #expect(withDependency.observe(.loaded("other")) == nil)
        #expect(withDependency.observe(.loaded("dependent")) == .done(loaded: ["dependent"], failed: []))
    }

    @Test("`stop other` (its folder is gone): done once other and the dependents the server stopped with it have stopped")
    func stopWithDependents() {
        var watch = ResourceCommandWatch(.stop, "other")
        #expect(watch.command == "stop other")
        #expect(watch.observe(.stopping("other")) == nil)
        #expect(watch.observe(.stopping("dependent")) == nil)
        #expect(watch.observe(.stopped("dependent")) == nil)
        #expect(watch.observe(.loaded("other")) == nil)
        #expect(watch.observe(.stopped("other")) == .stopped(["dependent", "other"]))
        var unknown = ResourceCommandWatch(.stop, "gone")
        #expect(unknown.observe(.notLoaded("gone")) == .notLoaded)
    }
}
