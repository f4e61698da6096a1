import Foundation
import Testing

@testable import AltVDev

/// server.cfg as FXServer reads it (shared/fivem/README.md §3): ensure/start lines, exec includes
/// (beside the file, or `@resource/…`), set lines and the TCP endpoint.
@Suite("server.cfg read for what altv-dev needs")
struct ServerCfgTests {
    @Test("ensure and start in order through exec includes, set and bare convars, the endpoint's port; comments and quotes")
    func read() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("cfg-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: folder) }
        try FileManager.default.createDirectory(atPath: folder + "/config", withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: folder + "/resources/ox_lib", withIntermediateDirectories: true)
        try """
            # the server
            endpoint_add_tcp "0.0.0.0:30125"   // a comment after a line
            endpoint_add_udp "0.0.0.0:30125"
            sv_lan 1
            set sv_hostname "My dev server"
            ensure core
            exec config/resources.cfg
            exec @ox_lib/extra.cfg
            exec missing.cfg
            start chat
            """.write(toFile: folder + "/server.cfg", atomically: true, encoding: .utf8)
        try "ensure ox_lib\nexec ../server.cfg\n".write(toFile: folder + "/config/resources.cfg", atomically: true, encoding: .utf8)
        try "setr ox:locale en\nensure qbx_core\n".write(toFile: folder + "/resources/ox_lib/extra.cfg", atomically: true, encoding: .utf8)
        let cfg = ServerCfg.read(at: folder + "/server.cfg") { $0 == "ox_lib" ? folder + "/resources/ox_lib" : nil }
        #expect(cfg.started.map(\.name) == ["core", "ox_lib", "qbx_core", "chat"])
        #expect(cfg.started.last?.place.description == folder + "/server.cfg:10")
        #expect(cfg.variables == ["sv_lan": "1", "sv_hostname": "My dev server", "ox:locale": "en"])
        #expect(cfg.endpoints == ["0.0.0.0:30125"] && cfg.port == 30125)
        #expect(cfg.missing.map(\.file) == [folder + "/missing.cfg"] && cfg.missing.first?.place.line == 9)
        #expect(ServerCfg.read(at: folder + "/none.cfg").port == 30120)
    }

    @Test("the config a command runs: the file after +exec, else server.cfg in cwd; a shell line's words")
    func path() {
        #expect(ServerCfg.path(command: .arguments(["./run.sh", "+exec", "dev.cfg"]), cwd: "/srv") == "/srv/dev.cfg")
        #expect(ServerCfg.path(command: .shell("bash run.sh +set a b +exec \"cfg/dev.cfg\""), cwd: "/srv") == "/srv/cfg/dev.cfg")
        #expect(ServerCfg.path(command: .arguments(["./run.sh"]), cwd: "/srv") == "/srv/server.cfg")
        #expect(CommandSpec.shell("run.sh +exec x").appending(["+ensure", "a b"]) == .shell("run.sh +exec x '+ensure' 'a b'"))
        #expect(CommandSpec.arguments(["run.sh"]).appending(["+ensure", "x"]) == .arguments(["run.sh", "+ensure", "x"]))
    }
}
