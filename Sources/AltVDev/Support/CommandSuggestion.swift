/// "did you mean `altv-dev check`?" for a mistyped subcommand: up to two edits away (a swap of two letters is one).
public enum CommandSuggestion {
    public static func didYouMean(_ word: String?, among names: [String]) -> String? {
        guard let word, !word.hasPrefix("-"), !names.contains(word) else { return nil }
        let close = names.filter { distance(word, $0) <= 2 }.sorted { distance(word, $0) < distance(word, $1) }
        return close.first.map { "did you mean `altv-dev \($0)`?" }
    }

    /// Optimal string alignment distance: insertions, deletions, substitutions, adjacent swaps.
    public static func distance(_ a: String, _ b: String) -> Int {
        let (a, b) = (Array(a), Array(b))
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var table = [[Int]](repeating: [Int](repeating: 0, count: b.count + 1), count: a.count + 1)
        for i in 0...a.count { table[i][0] = i }
        for j in 0...b.count { table[0][j] = j }
        for i in 1...a.count {
            for j in 1...b.count {
                let cost = a[i - 1] == b[j - 1] ? 0 : 1
                table[i][j] = min(table[i - 1][j] + 1, table[i][j - 1] + 1, table[i - 1][j - 1] + cost)
                if i > 1, j > 1, a[i - 1] == b[j - 2], a[i - 2] == b[j - 1] { table[i][j] = min(table[i][j], table[i - 2][j - 2] + 1) }
            }
        }
        return table[a.count][b.count]
    }
}
