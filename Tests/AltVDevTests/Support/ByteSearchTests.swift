import TestSupport
import Testing

@testable import AltVDev

@Suite("Byte search")
struct ByteSearchTests {
    func both(_ haystack: [UInt8], _ needle: [UInt8]) -> (Bool, Bool) {
        haystack.withUnsafeBytes { ($0.contains(bytes: needle), $0.contains(rareFirst: needle)) }
    }

    @Test("memchr on the first byte finds what memmem finds: at the start, at the end, after false starts, nothing in a short text")
    func edges() {
        for (haystack, needle, expected) in [
            ("Error: x", "Error", true), ("x [Error]", "Error]", true), ("EEErrEError", "Error", true), ("Erro", "Error", false),
            ("E", "Error", false), ("", "Error", false), ("abc", "", true), ("no such word here", "Error", false),
        ] {
            let (memmem, memchr) = both(Array(haystack.utf8), Array(needle.utf8))
            #expect(memmem == expected && memchr == expected, "\(haystack) / \(needle)")
        }
    }

    @Test("on random bytes of a small alphabet, both searches agree")
    func agree() {
        var random = SeededRandom(seed: 20_261_206)
        let alphabet = Array("Erro r".utf8)
        for _ in 0..<5000 {
            let haystack = (0..<Int(random.next() % 40)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let needle = (0..<Int(1 + random.next() % 5)).map { _ in alphabet[Int(random.next() % UInt64(alphabet.count))] }
            let (memmem, memchr) = both(haystack, needle)
            #expect(memmem == memchr, "\(haystack) / \(needle)")
        }
    }
}
