/// Enough of a terminal to see what a person would: `\r`, `\n`, and the escapes altv-dev writes
/// (`ESC[2K` clear line, `ESC[2J` clear screen, `ESC[H` home, `ESC[A` up a line; colours ignored). Lines do not wrap:
/// each stays as long as it was written, so a torn line shows up as one.
struct ScreenModel {
    private var rows: [[Character]] = [[]]
    var lines: [String] { rows.map { String($0) } }
    private var row = 0
    private var column = 0
    /// Every escape sequence seen, in order (`2K`, `2J`, `H`, `0;35m`, …).
    private(set) var escapes: [String] = []

    init(_ text: String) {
        var scalars = text.unicodeScalars.makeIterator()
        while let scalar = scalars.next() {
            switch scalar {
            case "\r": column = 0
            case "\n":
                row += 1
                column = 0
                if row == rows.count { rows.append([]) }
            case "\u{1B}": escape(&scalars)
            default: put(Character(scalar))
            }
        }
    }

    private mutating func escape(_ scalars: inout String.UnicodeScalarView.Iterator) {
        guard scalars.next() == "[" else { return }
        var sequence = ""
        while let next = scalars.next() {
            sequence.unicodeScalars.append(next)
            if next.properties.isAlphabetic { break }
        }
        escapes.append(sequence)
        switch sequence {
        case "2K": rows[row] = []
        case "2J": rows = Array(repeating: [], count: rows.count)
        case "H": (row, column) = (0, 0)
        case "A": row = max(0, row - 1)
        default: break
        }
    }

    private mutating func put(_ character: Character) {
        while rows[row].count < column { rows[row].append(" ") }
        if column < rows[row].count { rows[row][column] = character } else { rows[row].append(character) }
        column += 1
    }

    /// The line the cursor is on: where the status line lives.
    var currentLine: String { String(rows[row]) }
}
