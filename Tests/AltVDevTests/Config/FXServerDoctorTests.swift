import Foundation
import Testing

@testable import AltVDev

/// check's FXServer doctor: what shared/fivem/README.md says makes a loop fail, each at its place.
@Suite("check's FXServer doctor")
struct FXServerDoctorTests {
    /// A temp server-data folder with these files; the doctor's findings for an altv-dev.toml there.
    func findings(_ files: [String: String], platform: String = "fivem") throws -> (folder: String, findings: [DoctorFinding]) {
        let config = "[server]\nplatform = \"\(platform)\"\ncommand = [\"./run.sh\", \"+exec\", \"server.cfg\"]\n[watch]\npaths = [\".\"]\n"
        var result: (folder: String, findings: [DoctorFinding]) = ("", [])
        try withTemporaryFolder(files.merging(["altv-dev.toml": config], uniquingKeysWith: { a, _ in a })) { folder in
            result = (folder, AltVDoctor.findings(for: try ConfigLoader.load(file: folder + "/altv-dev.toml")))
        }
        return result
    }

    static let manifest = "fx_version 'cerulean'\ngame 'gta5'\nserver_script 'server.lua'\n"
    static let healthy = [
        "server.cfg": "sv_lan 1\nensure core\nensure [gameplay]\n",
        "resources/core/fxmanifest.lua": manifest, "resources/core/server.lua": "",
        "resources/[gameplay]/chat/fxmanifest.lua": manifest + "dependency 'core'\n", "resources/[gameplay]/chat/server.lua": "",
        "resources/[libs]/ox_lib/fxmanifest.lua": manifest + "provide 'lib'\n", "resources/[libs]/ox_lib/server.lua": "",
        "resources/[gameplay]/users/fxmanifest.lua": manifest + "dependencies { '/server:5848', 'ox_lib', 'lib' }\n", "resources/[gameplay]/users/server.lua": "",
    ]

    @Test("a healthy server-data folder: nothing to say (a category ensures its resources, a dependency starts with its dependent)")
    func healthy() throws {
        let (_, found) = try findings(Self.healthy)
        #expect(found.isEmpty, "\(found)")
    }

    @Test("an ensured resource with no folder, a folder never ensured, a missing script, a dependency that is no resource")
    func resources() throws {
        var files = Self.healthy
        files["server.cfg"] = "sv_lan 1\nensure core\nensure [gameplay]\nensure ghost\n"
        files["resources/lonely/fxmanifest.lua"] = Self.manifest
        files["resources/lonely/server.lua"] = ""
        files["resources/core/fxmanifest.lua"] = Self.manifest + "client_scripts { 'client/*.lua', 'missing.lua' }\n"
        files["resources/[gameplay]/chat/fxmanifest.lua"] = Self.manifest + "dependency 'nobody'\n"
        let (folder, found) = try findings(files)
        let places = found.map { "\($0.file.replacingOccurrences(of: folder + "/", with: "")):\($0.line):\($0.column)" }
        #expect(places.sorted() == [
            "resources/[gameplay]/chat/fxmanifest.lua:4:1", "resources/core/fxmanifest.lua:4:1", "resources/lonely/fxmanifest.lua:1:1", "server.cfg:4:1",
        ], "\(found)")
        #expect(found.contains { $0.message.contains("resource ghost has no folder with fxmanifest.lua in resources: the server says Couldn't find resource ghost.") })
        #expect(found.contains { $0.message.contains("resource lonely is not ensured in server.cfg") && $0.fix.contains("ensure lonely") })
        #expect(found.contains { $0.message == "client_scripts 'missing.lua': no such file in resources/core" })
        #expect(found.contains { $0.message.hasPrefix("dependency nobody is no resource in resources") })
    }

    @Test("no license key says what sv_lan costs; con_disableNonTTYReads; a manifest it cannot read; no fx_version")
    func settings() throws {
        var files = Self.healthy
        files["server.cfg"] = "ensure core\nensure [gameplay]\nset con_disableNonTTYReads true\n"
        files["resources/core/fxmanifest.lua"] = "game 'gta5'\nlocal x = 1\nserver_script 'server.lua'\n"
        let (_, found) = try findings(files)
        #expect(found.contains { $0.message.hasPrefix("no sv_licenseKey") && $0.fix.contains("no license: or fivem: identifiers") })
        #expect(found.contains { $0.message.hasPrefix("con_disableNonTTYReads is on") })
        #expect(found.contains { $0.line == 2 && $0.message.contains("Lua code (local)") && $0.message.hasSuffix("altv-dev reads the rest of the file") })
        #expect(found.contains { $0.message.hasPrefix("no fx_version: the server refuses the resource") })
        files["server.cfg"] = "sv_licenseKey \"cfxk_x\"\nensure core\nensure [gameplay]\n"
        #expect(try findings(files).findings.allSatisfy { !$0.message.hasPrefix("no sv_licenseKey") })
    }

    @Test("RedM: gamename and platform agree, and each manifest carries rdr3_warning")
    func redm() throws {
        var files = Self.healthy
        files["server.cfg"] = "sv_lan 1\nset gamename rdr3\nensure core\nensure [gameplay]\n"
        let fivem = try findings(files).findings
        #expect(fivem.contains { $0.message == "set gamename rdr3 runs RedM, but [server] platform is \"fivem\"" })
        let redm = try findings(files, platform: "redm").findings
        #expect(redm.filter { $0.message.hasPrefix("no rdr3_warning") }.count == 4, "\(redm)")
        files["server.cfg"] = "sv_lan 1\nensure core\n"
        #expect(try findings(files, platform: "redm").findings.contains { $0.message.contains("does not set gamename rdr3") })
    }

    @Test("server.cfg missing is said at the command's file")
    func noConfig() throws {
        var files = Self.healthy
        files.removeValue(forKey: "server.cfg")
        let found = try findings(files).findings
        #expect(found.count == 1 && found[0].message.hasPrefix("no server.cfg"))
    }
}
