import Testing

@testable import AltVDev

@Suite("Config reload")
struct ConfigReloadTests {
    @Test("what a config change takes: [watch] re-arms, services and their stop rules re-apply, [server] restarts")
    func configConsequences() throws {
        let source = "[server]\ncommand = [\"s\"]\n[watch]\npaths = [\"r\"]\n"
        let old = try ConfigLoader.parse(source: source, file: "/p/altv-dev.toml")
        let watch = try ConfigLoader.parse(source: source.replacingOccurrences(of: "[\"r\"]", with: "[\"r\", \"q\"]"), file: "/p/altv-dev.toml")
        #expect(ConfigConsequences(old: old, new: watch) == .init(rearmWatcher: true, reapplyServices: false, restartServer: false))
        let stop = try ConfigLoader.parse(source: source.replacingOccurrences(of: "[\"s\"]\n", with: "[\"s\"]\nstop_timeout = \"3s\"\n"), file: "/p/altv-dev.toml")
        #expect(ConfigConsequences(old: old, new: stop) == .init(rearmWatcher: false, reapplyServices: true, restartServer: true))
        #expect(ConfigConsequences(old: old, new: old) == .init(rearmWatcher: false, reapplyServices: false, restartServer: false))
    }
}
