import Foundation
import Synchronization
import TestSupport
import Testing

@testable import AltVDev

@Suite("Source maps")
struct SourceMapTests {
    // Written by Debian's esbuild 0.17.0 (`--bundle --format=esm --platform=node --sourcemap`) for two
    // files of our own: src/a.ts imports b from src/b.ts and throws at its line 6.
    static let esbuildMap = #"""
        {
          "version": 3,
          "sources": ["../src/b.ts", "../src/a.ts"],
          "sourcesContent": ["export function b(n: number): string {\n  return \"n=\" + n;\n}\n", "import { b } from \"./b\";\n\nexport function f(x: number): string {\n    return b(x);\n}\nthrow new Error(\"boom \" + f(1));\n"],
          "mappings": ";AAAO,SAAS,EAAE,GAAmB;AACnC,SAAO,OAAO;AAChB;;;ACAO,SAAS,EAAE,GAAmB;AACjC,SAAO,EAAE,CAAC;AACd;AACA,MAAM,IAAI,MAAM,UAAU,EAAE,CAAC,CAAC;",
          "names": []
        }
        """#
    /// The bundle that map belongs to, as esbuild wrote it (the map beside it).
    static let esbuildBundle = """
        // src/b.ts
        function b(n) {
          return "n=" + n;
        }

        // src/a.ts
        function f(x) {
          return b(x);
        }
        throw new Error("boom " + f(1));
        export {
          f
        };
        //# sourceMappingURL=a.js.map

        """

    func parse(_ text: String) throws(SourceMapError) -> SourceMap { try SourceMap.parse(Array(text.utf8)) }

    // Each expectation is what Node 20's own `module.SourceMap.findEntry` answers for the same map and place.
    @Test("esbuild's map: each generated place at the source place Node's own reader gives")
    func esbuild() throws {
        let map = try parse(Self.esbuildMap)
        let expected: [((Int, Int), SourceMap.Place)] = [
            ((10, 1), .init(source: "../src/a.ts", line: 6, column: 1)),
            ((8, 10), .init(source: "../src/a.ts", line: 4, column: 12)),
            ((3, 3), .init(source: "../src/b.ts", line: 2, column: 3)),
            ((3, 10), .init(source: "../src/b.ts", line: 2, column: 10)),
            ((2, 1), .init(source: "../src/b.ts", line: 1, column: 8)),
            ((9, 1), .init(source: "../src/a.ts", line: 5, column: 1)),
            ((10, 30), .init(source: "../src/a.ts", line: 6, column: 30)),
        ]
        for ((line, column), place) in expected { #expect(map.place(line: line, column: column) == place, "\(line):\(column)") }
        // Line 1 (the comment) maps nowhere; nor a line past the end, nor column 0.
        #expect(map.place(line: 1, column: 1) == nil && map.place(line: 99, column: 1) == nil && map.place(line: 10, column: 0) == nil)
    }

    @Test("sourceRoot is joined on; a null source and a one-field segment map nowhere; segments out of order are sorted")
    func details() throws {
        let map = try parse(#"{"version":3,"sourceRoot":"/src","sources":["a.ts",null],"mappings":"AAAA,KCCC,G;KDAK,LAAC","names":[]}"#)
        // What Node 20's reader answers for the same map (it leaves sourceRoot to its caller).
        #expect(map.place(line: 1, column: 1) == .init(source: "/src/a.ts", line: 1, column: 1))
        #expect(map.place(line: 1, column: 6) == nil)
        #expect(map.place(line: 1, column: 9) == nil)
        #expect(map.place(line: 2, column: 1) == .init(source: "/src/a.ts", line: 2, column: 8))
        #expect(map.place(line: 2, column: 6) == .init(source: "/src/a.ts", line: 2, column: 7))
    }

    @Test("a bad map is an error that says what and where: JSON, version, index maps, base64, field counts, sources, long values")
    func errors() {
        func error(_ text: String) -> String {
            do {
                _ = try parse(text)
                return "no error"
            } catch {
                return error.message
            }
        }
        #expect(error("{\"version\":3,").hasPrefix("is not JSON with a version: "))
        #expect(error(#"{"version":2,"mappings":""}"#) == "has version 2; only version 3 is read")
        #expect(error(#"{"version":3,"sections":[]}"#) == "is an index map (sections), which is not read")
        #expect(error(#"{"version":3,"sources":[]}"#) == "has no mappings")
        #expect(error(#"{"version":3,"sources":["a"],"mappings":"AAAA,A!AA"}"#) == "mappings, line 1, segment 2 (byte 7): '!' is not a base64 digit")
        #expect(error(#"{"version":3,"sources":["a"],"mappings":";AA"}"#) == "mappings, line 2, segment 1 (byte 4): 2 fields; a segment has 1, 4 or 5")
        #expect(error(#"{"version":3,"sources":["a"],"mappings":"ACAA"}"#) == "mappings, line 1, segment 1 (byte 5): source 1, but the map lists 1")
        #expect(error(#"{"version":3,"sources":["a"],"mappings":"A//////////A"}"#).hasSuffix("a value longer than 32 bits"))
        #expect(error(#"{"version":3,"sources":["a"],"mappings":"AAA/"}"#).hasSuffix("the last value is cut off"))
        #expect(error(#"{"version":3,"sources":["a"],"mappings":"AAAD"}"#).hasSuffix("the source place is line 1, column 0"))
    }

    @Test("fuzzed maps never crash the reader, and a place it answers is 1-based")
    func fuzz() {
        let seed = Array(Self.esbuildMap.utf8)
        var random = SeededRandom(seed: 20_261_205)
        var parsed = 0
        for _ in 0..<3000 {
            guard let map = try? SourceMap.parse(ByteMutator.mutate(seed, using: &random)) else { continue }
            parsed += 1
            for line in 0...12 {
                for column in [0, 1, 5, 40] {
                    guard let place = map.place(line: line, column: column) else { continue }
                    #expect(place.line >= 1 && place.column >= 1)
                }
            }
        }
        #expect(parsed > 0)
    }

    @Test("the lookup: a map beside the bundle, an inline one, one the comment names elsewhere; shown relative to the config's folder")
    func lookup() throws {
        let inline = "//# sourceMappingURL=data:application/json;charset=utf-8;base64," + Data(Self.esbuildMap.utf8).base64EncodedString() + "\n"
        let elsewhere = Self.esbuildBundle.replacingOccurrences(of: "a.js.map", with: "../maps/a%20map.json")
        try withTemporaryFolder([
            "resources/core/a.js": Self.esbuildBundle, "resources/core/a.js.map": Self.esbuildMap,
            "resources/chat/a.js": Self.esbuildBundle.replacingOccurrences(of: "//# sourceMappingURL=a.js.map\n", with: inline),
            "resources/other/a.js": elsewhere, "resources/maps/a map.json": Self.esbuildMap,
            "resources/plain/a.js": "throw new Error('x');\n",
        ]) { folder in
            let notes = Mutex<[String]>([])
            let lookup = SourceMapLookup(directory: folder) { file, reason in notes.withLock { $0.append("\(file): \(reason)") } }
            let beside = try #require(lookup.place(file: folder + "/resources/core/a.js", line: 10, column: 1))
            #expect(beside == .init(source: folder + "/resources/src/a.ts", line: 6, column: 1))
            #expect(lookup.shown(beside) == "resources/src/a.ts:6:1")
            #expect(lookup.place(file: folder + "/resources/chat/a.js", line: 8, column: 10) == .init(source: folder + "/resources/src/a.ts", line: 4, column: 12))
            #expect(lookup.place(file: folder + "/resources/other/a.js", line: 3, column: 3) == .init(source: folder + "/resources/src/b.ts", line: 2, column: 3))
            #expect(lookup.place(file: folder + "/resources/plain/a.js", line: 1, column: 1) == nil)
            #expect(lookup.place(file: folder + "/resources/none/a.js", line: 1, column: 1) == nil)
            #expect(notes.withLock { $0 }.isEmpty)
        }
    }

    @Test("a bad map is said once, until the bundle changes; then the new map is read")
    func badMapNotedOnce() throws {
        try withTemporaryFolder(["resources/core/a.js": Self.esbuildBundle, "resources/core/a.js.map": "{\"version\":3,\"sources\":[],\"mappings\":\"AAAA\"}"]) { folder in
            let notes = Mutex<[String]>([])
            let lookup = SourceMapLookup(directory: folder) { file, reason in notes.withLock { $0.append("\(file): \(reason)") } }
            let bundle = folder + "/resources/core/a.js"
            #expect(lookup.place(file: bundle, line: 10, column: 1) == nil)
            #expect(lookup.place(file: bundle, line: 10, column: 1) == nil)
            #expect(notes.withLock { $0 } == [bundle + ".map: mappings, line 1, segment 1 (byte 5): source 0, but the map lists 0"])
            try Data(Self.esbuildMap.utf8).write(to: URL(fileURLWithPath: bundle + ".map"))
            try Data((Self.esbuildBundle + "\n").utf8).write(to: URL(fileURLWithPath: bundle))
            #expect(lookup.place(file: bundle, line: 10, column: 1)?.line == 6)
            #expect(notes.withLock { $0 }.count == 1)
        }
    }

    @Test("the sourceMappingURL comment: the last one counts; a network URL is not fetched; a data: URL without base64 is percent-decoded")
    func references() {
        func reference(_ text: String) -> SourceMapLookup.Reference? { SourceMapLookup.reference(in: Array(text.utf8)) }
        #expect(reference("x\n//# sourceMappingURL=old.map\ny\n//# sourceMappingURL=new.map\n") == .file("new.map"))
        #expect(reference("//@ sourceMappingURL=legacy.map") == .file("legacy.map"))
        #expect(reference("//# sourceMappingURL=https://example.com/a.map\n") == nil)
        #expect(reference("//# sourceMappingURL=data:application/json,%7B%7D\n") == .inline(Array("{}".utf8)))
        #expect(reference("//# sourceMappingURL=data:application/json;base64,!!!\n") == nil)
        #expect(reference("no comment") == nil)
    }
}
