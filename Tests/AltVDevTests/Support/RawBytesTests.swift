import TestSupport
import Testing

@testable import AltVDev

@Suite("File names that are not UTF-8, kept as their bytes")
struct RawBytesTests {
    @Test("a UTF-8 name is the string it spells; a Latin-1 byte is kept, shown as \\xe9 and given back as itself")
    func latin1() {
        #expect(RawBytes.string(Array("café ✓.js".utf8)) == "café ✓.js")
        #expect(!RawBytes.holdsRawBytes("café ✓.js"))
        let latin1: [UInt8] = Array("caf".utf8) + [0xE9] + Array(".js".utf8)
        let name = RawBytes.string(latin1)
        #expect(RawBytes.holdsRawBytes(name))
        #expect(!name.contains("\u{FFFD}"))
        #expect(RawBytes.shown(name) == "caf\\xe9.js")
        #expect(RawBytes.bytes(name) == latin1)
        #expect(name.hasSuffix(".js") && name.hasPrefix("caf"))
    }

    @Test("cut sequences, overlong forms, surrogates and lone continuation bytes are each kept byte by byte")
    func broken() {
        let cases: [[UInt8]] = [[0xE2, 0x9C], [0xC0, 0xAF], [0xED, 0xA0, 0x80], [0x80], [0xFF, 0x41], [0xF4, 0x90, 0x80, 0x80]]
        for bytes in cases {
            let name = RawBytes.string(bytes)
            #expect(RawBytes.bytes(name) == bytes, "\(bytes)")
            #expect(RawBytes.holdsRawBytes(name), "\(bytes)")
        }
        #expect(RawBytes.shown(RawBytes.string([0xFF, 0x41])) == "\\xffA")
    }

    @Test("a valid name that holds an escape scalar itself is escaped too, so no two names meet")
    func escapeScalarItself() {
        let real = "x\u{10FFE9}y"
        let name = RawBytes.string(Array(real.utf8))
        #expect(name != RawBytes.string(Array("x".utf8) + [0xE9] + Array("y".utf8)))
        #expect(RawBytes.bytes(name) == Array(real.utf8))
    }

    @Test("any bytes come back as themselves, and the kernel is given those bytes")
    func roundTrip() {
        var random = SeededRandom(seed: 15)
        for _ in 0..<2_000 {
            let bytes = (0..<Int.random(in: 0...24, using: &random)).map { _ in UInt8.random(in: 1...255, using: &random) }
            let name = RawBytes.string(bytes)
            #expect(RawBytes.bytes(name) == bytes)
            RawBytes.withCString(name) { pointer in
                #expect(Array(UnsafeBufferPointer(start: pointer, count: bytes.count + 1)).map { UInt8(bitPattern: $0) } == bytes + [0])
            }
        }
    }

    @Test("base64 as RFC 4648 writes it, padding and all")
    func base64() {
        #expect(RawBytes.base64([]) == "")
        #expect(RawBytes.base64(Array("f".utf8)) == "Zg==")
        #expect(RawBytes.base64(Array("fo".utf8)) == "Zm8=")
        #expect(RawBytes.base64(Array("foo".utf8)) == "Zm9v")
        #expect(RawBytes.base64(Array("foobar".utf8)) == "Zm9vYmFy")
        #expect(RawBytes.base64([0xFF, 0xFE, 0xE9]) == "//7p")
    }
}
