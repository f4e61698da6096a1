import Foundation
import TestSupport
import Testing

@testable import AltVDev

/// fxmanifest.lua as resources write it (shared/fivem/README.md §3; the shapes of qbx_core's,
/// ox_lib's and cfx-server-data's manifests), read as data.
@Suite("fxmanifest.lua read as data")
struct FXManifestTests {
    static func parse(_ text: String) -> FXManifest { FXManifest.parse(Array(text.utf8)) }

    @Test("directives with a string, a table, parentheses or chained strings; comments and long strings")
    func directives() {
        let manifest = Self.parse("""
            -- Resource manifest
            fx_version 'cerulean'
            game "gta5"
            --[[ a block
            comment ]]
            description [[A long
            string]]
            shared_scripts {
                '@ox_lib/init.lua', -- from another resource
                'config.lua';
            }
            server_script('server/main.lua')
            client_scripts { "client/*.lua" }
            dependencies {
                '/server:5848',
                '/onesync',
                'ox_lib',
                'oxmysql',
            }
            dependency "ox_target"
            provide 'qb-core'
            ui_page 'web/build/index.html'
            files { 'web/build/index.html', 'web/build/**/*' }
            data_file 'DLC_ITYP_REQUEST' 'stream/props.ytyp'
            lua54 'yes'
            """)
        #expect(manifest.problems.isEmpty, "\(manifest.problems)")
        #expect(manifest.values("fx_version") == ["cerulean"] && manifest.values("game") == ["gta5"])
        #expect(manifest.values("description") == ["A long\nstring"])
        #expect(manifest.scripts == ["@ox_lib/init.lua", "config.lua", "server/main.lua", "client/*.lua"])
        #expect(manifest.dependencies == ["ox_lib", "oxmysql", "ox_target"])
        #expect(manifest.values("provide") == ["qb-core"] && manifest.values("data_file") == ["DLC_ITYP_REQUEST", "stream/props.ytyp"])
        let entry = manifest.entries.first { $0.directive == "dependency" }
        #expect(entry?.line == 20 && entry?.column == 1)
    }

    @Test("keys in a table, escapes, [==[ ]==] and __resource.lua's version line")
    func shapes() {
        let manifest = Self.parse("""
            resource_manifest_version '44febabe-d386-4d18-afbe-5e627f4af937'
            files { main = 'a.lua', ["b"] = 'b\\'s.lua' }
            server_script [==[x]]y.lua]==]
            """)
        #expect(manifest.problems.isEmpty, "\(manifest.problems)")
        #expect(manifest.values("files") == ["a.lua", "b's.lua"])
        #expect(manifest.values("server_script") == ["x]]y.lua"])
    }

    @Test("Lua it does not read is a problem at its line; the rest is still read", arguments: [
        ("fx_version 'cerulean'\nlocal x = 1\nserver_script 'a.lua'", 2, 1, "Lua code (local)"),
        ("fx_version 'cerulean'\nserver_script 'a.lua\nclient_script 'b.lua'", 2, 15, "not closed on its line"),
        ("fx_version 'cerulean'\nserver_scripts { 'a.lua', x }\nclient_script 'b.lua'", 2, 27, "x is a Lua name"),
        ("fx_version 'cerulean'\nserver_script\nclient_script 'b.lua'", 2, 14, "server_script has no value"),
        ("fx_version 'cerulean'\n= 'a'\nclient_script 'b.lua'", 2, 1, "expected a directive"),
        ("fx_version 'cerulean'\nfiles { 'a'\nclient_script 'b.lua'", 3, 1, "client_script is a Lua name"),
    ])
    func problems(text: String, line: Int, column: Int, message: String) {
        let manifest = Self.parse(text)
        #expect(manifest.problems.first?.line == line && manifest.problems.first?.column == column, "\(manifest.problems)")
        #expect(manifest.problems.first?.message.contains(message) == true, "\(manifest.problems)")
        #expect(manifest.values("fx_version") == ["cerulean"])
    }

    @Test("a file that ends inside a table, a long string or a comment is a problem, not a trap")
    func unfinished() {
        for text in ["files {", "files { 'a',", "x [[abc", "--[[ open", "files ('a'", "a 'b' (", "server_script [=[ x ]]", String(repeating: "x {", count: 50)] {
            let manifest = Self.parse(text)
            #expect(!manifest.problems.isEmpty || text.hasPrefix("--"), "\(text): \(manifest)")
        }
    }

    @Test("20,000 mutated manifests: each read or placed inside the input, never a trap")
    func fuzz() async {
        let seed = Array("""
            fx_version 'cerulean'
            game "gta5" --[[ c ]]
            shared_scripts { '@ox_lib/init.lua', "x.lua"; [[y.lua]] }
            server_script('s.lua') dependency [==[a]==]
            files { k = 'v', ["q"] = 'w\\'' }
            data_file 'A' 'b'
            """.utf8)
        var random = SeededRandom(seed: 20_261_203)
        for index in 0..<20000 {
            if index % 500 == 0 { await Task.yield() }  // a core of the 2-thread pool is not ours alone
            let bytes = ByteMutator.mutate(seed, using: &random)
            let manifest = FXManifest.parse(bytes)
            let lines = bytes.filter { $0 == 0x0A }.count + 1
            for problem in manifest.problems where problem.line < 1 || problem.line > lines || problem.column < 1 || problem.column > bytes.count + 1 {
                Issue.record("misplaced: \(problem) in \(String(decoding: bytes, as: UTF8.self).debugDescription)")
            }
            for entry in manifest.entries where entry.line < 1 || entry.line > lines {
                Issue.record("misplaced entry: \(entry)")
            }
        }
    }
}
