/// Parses durations written as `"250ms"`, `"2.5s"`, `"1m"` or `"1m30s"`.
public enum DurationParser {
    public static let expected = "a duration such as \"250ms\", \"2.5s\" or \"1m\" (units: ms, s, m, h)"

    /// A year, in microseconds: the longest duration accepted.
    static let longest: Double = 365 * 24 * 3_600 * 1_000_000

    public static func parse(_ text: String) -> Duration? {
        var rest = Substring(text.trimming { $0 == " " })
        guard !rest.isEmpty else { return nil }
        var total = Duration.zero
        while !rest.isEmpty {
            let number = rest.prefix { $0.isNumber || $0 == "." }
            guard !number.isEmpty, let value = Double(number), value.isFinite else { return nil }
            rest = rest.dropFirst(number.count)
            let unit = rest.prefix { $0.isLetter }
            rest = rest.dropFirst(unit.count)
            let millisecondsPerUnit: Double
            switch unit {
            case "ms": millisecondsPerUnit = 1
            case "s": millisecondsPerUnit = 1000
            case "m": millisecondsPerUnit = 60_000
            case "h": millisecondsPerUnit = 3_600_000
            default: return nil
            }
            // Longer than a year is a typo, and past Int64's microseconds a trap.
            let microseconds = (value * millisecondsPerUnit * 1000).rounded()
            guard microseconds <= Self.longest, total + .microseconds(Int64(microseconds)) <= .microseconds(Int64(Self.longest)) else { return nil }
            total += .microseconds(Int64(microseconds))
        }
        return total
    }

    /// The shortest faithful spelling, for messages and `check` output.
    public static func format(_ duration: Duration) -> String {
        let ms = duration.milliseconds
        if ms % 3_600_000 == 0, ms >= 3_600_000 { return "\(ms / 3_600_000)h" }
        if ms % 60_000 == 0, ms >= 60_000 { return "\(ms / 60_000)m" }
        if ms % 1000 == 0, ms >= 1000 { return "\(ms / 1000)s" }
        if ms >= 1000 { return "\(Double(ms) / 1000)s" }
        return "\(ms)ms"
    }
}

extension Duration {
    /// Whole milliseconds, rounded toward zero.
    public var milliseconds: Int64 {
        let parts = components
        return parts.seconds * 1000 + parts.attoseconds / 1_000_000_000_000_000
    }

    /// Seconds as a floating-point number, for APIs that take `TimeInterval`.
    public var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) / 1e18
    }

    /// A human reading: `850ms`, `1.24s`, `2m05s`.
    public var humanReadable: String {
        let ms = milliseconds
        if ms < 1000 { return "\(ms)ms" }
        if ms < 60_000 {
            let hundredths = (ms + 5) / 10
            return "\(hundredths / 100).\(String(format2: hundredths % 100))s"
        }
        let s = ms / 1000
        return "\(s / 60)m\(String(format2: s % 60))s"
    }
}

extension String {
    init(format2 value: Int64) {
        self = value < 10 ? "0\(value)" : "\(value)"
    }
}
