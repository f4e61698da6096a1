/// Expands `${VAR}` and `${VAR:-default}` in config strings.
public enum VariableExpander {
    public struct Failure: Error {
        public var message: String
        public var fix: String?
    }

    /// Defaults may hold variables (`${A:-${B:-x}}`), this deep at most.
    static let maximumNesting = 8

    public static func expand(_ text: String, environment: [String: String]) throws(Failure) -> String {
        try expand(text, environment: environment, nesting: 0)
    }

    private static func expand(_ text: String, environment: [String: String], nesting: Int) throws(Failure) -> String {
        guard nesting <= maximumNesting else {
            throw Failure(message: "defaults nested more than \(maximumNesting) deep", fix: "use fewer ${…:-${…}} inside each other")
        }
        var output = ""
        var rest = Substring(text)
        while let start = rest.firstRange(of: "${") {
            let before = rest[rest.startIndex..<start.lowerBound]
            if before.hasSuffix("$") {
                // `$${` is a literal `${`.
                output += before.dropLast() + "${"
                rest = rest[start.upperBound...]
                continue
            }
            output += before
            guard let end = closingBrace(in: rest[start.upperBound...]) else {
                throw Failure(message: "\"${\" without a closing \"}\"", fix: "write ${NAME}, or $${ for a literal ${")
            }
            let inner = rest[start.upperBound..<end]
            let name: Substring
            var fallback: Substring?
            if let separator = inner.firstRange(of: ":-") {
                name = inner[inner.startIndex..<separator.lowerBound]
                fallback = inner[separator.upperBound...]
            } else {
                name = inner
            }
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "_" }) else {
                throw Failure(message: "\"${\(inner)}\" is not a variable name", fix: "use letters, digits and _ only")
            }
            if let value = environment[String(name)], !(fallback != nil && value.isEmpty) {
                output += value
            } else if let fallback {
                output += try expand(String(fallback), environment: environment, nesting: nesting + 1)
            } else {
                throw Failure(
                    message: "environment variable \(name) is not set", fix: "set it, or give a default: ${\(name):-value}")
            }
            rest = rest[rest.index(after: end)...]
        }
        return output + rest
    }

    /// The `}` that closes a `${`, past the `${…}` in its default.
    private static func closingBrace(in text: Substring) -> Substring.Index? {
        var depth = 1
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(after: index)
            if text[index] == "$", next < text.endIndex, text[next] == "{" {
                depth += 1
                index = text.index(after: next)
                continue
            }
            if text[index] == "}" {
                depth -= 1
                if depth == 0 { return index }
            }
            index = next
        }
        return nil
    }
}

/// Finds where in a regex pattern the error the engine reported lies.
///
/// Swift's `Regex` reports what is wrong but not where; this points at the likely place.
enum RegexDiagnosis {
    static func offset(in pattern: String, message: String) -> Int? {
        let characters = Array(pattern)
        if message.contains("expected ')'") { return unmatched(open: "(", close: ")", in: characters) }
        if message.contains("expected ']'") { return unmatched(open: "[", close: "]", in: characters) }
        if message.contains("must appear after expression") {
            return characters.indices.first { index in
                "*+?".contains(characters[index]) && (index == 0 || "(|".contains(characters[index - 1]))
            }
        }
        if message.contains("range lower bound") { return characters.firstIndex(of: "{") }
        return nil
    }

    /// The last opening bracket left unclosed, skipping escapes and (for groups) character classes.
    private static func unmatched(open: Character, close: Character, in characters: [Character]) -> Int? {
        var stack: [Int] = []
        var index = 0
        var inClass = false
        while index < characters.count {
            let c = characters[index]
            if c == "\\" {
                index += 2
                continue
            }
            if open == "(" {
                if inClass { if c == "]" { inClass = false } } else if c == "[" { inClass = true } else if c == "(" {
                    stack.append(index)
                } else if c == ")" { _ = stack.popLast() }
            } else if c == open {
                stack.append(index)
            } else if c == close {
                _ = stack.popLast()
            }
            index += 1
        }
        return stack.last
    }
}
