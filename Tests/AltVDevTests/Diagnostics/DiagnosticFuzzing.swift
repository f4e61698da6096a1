import TestSupport
import Testing

@testable import AltVDev

/// Reads 5,000 mutations of `seed` with `read`: nothing crashes, and every diagnostic found has a
/// whole place (file, line and column, the numbers ≥ 1) or none, never half of one.
func fuzzDiagnostics(seed: String, randomSeed: UInt64, read: (String) -> [Diagnostic], also check: (Diagnostic) -> Bool = { _ in true }) {
    let bytes = Array(seed.utf8)
    var random = SeededRandom(seed: randomSeed)
    for _ in 0..<5000 {
        let text = String(decoding: ByteMutator.mutate(bytes, using: &random), as: UTF8.self)
        for diagnostic in read(text) {
            #expect((diagnostic.file == nil) == (diagnostic.line == nil) && (diagnostic.line == nil) == (diagnostic.column == nil))
            #expect((diagnostic.line ?? 1) >= 1 && (diagnostic.column ?? 1) >= 1, "\(diagnostic)")
            #expect(check(diagnostic), "\(diagnostic)")
        }
    }
}
