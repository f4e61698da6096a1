import Foundation
import TOML
import TestSupport
import Testing

/// Seeded byte mutations of every toml-test document: never a trap or a hang, and every error
/// placed inside the input. (`scripts/fuzz` runs libFuzzer for longer, outside the suite.)
@Suite("TOML parser under mutation", .enabled(if: TOMLTestCorpus.root != nil, "the toml-test corpus is not at ../shared/toml-test"))
struct MutationTests {
    @Test("30,000 mutated corpus documents: a table or an error placed inside the input")
    func mutations() async throws {
        let corpus = try #require(TOMLTestCorpus.root)
        let seeds = (TOMLTestCorpus.cases(prefix: "valid/") + TOMLTestCorpus.cases(prefix: "invalid/")).compactMap {
            FileManager.default.contents(atPath: "\(corpus)/\($0)").map(Array.init)
        }
        var random = SeededRandom(seed: ProcessInfo.processInfo.environment["TOML_FUZZ_SEED"].flatMap(UInt64.init) ?? 20_261_127)
        var refused = 0
        for index in 0..<30_000 {
            if index % 500 == 0 { await Task.yield() }  // a core of the 2-thread pool is not ours alone
            let input = ByteMutator.mutate(seeds.randomElement(using: &random)!, using: &random)
            do {
                _ = try TOMLParser.parse(bytes: input)
            } catch {
                refused += 1
                let lines = input.filter { $0 == 0x0A }.count + 1
                if error.line < 1 || error.line > lines || error.column < 1 || error.position.offset > input.count {
                    Issue.record("misplaced: \(error) in \(String(decoding: input, as: UTF8.self).debugDescription)")
                }
            }
        }
        #expect(refused > 10_000)
    }
}
