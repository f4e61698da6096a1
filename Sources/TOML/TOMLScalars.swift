/// Bare values: booleans, integers, floats, dates and times.
enum ScalarReader {
    private static let dateTimeFix = "write a date-time like 1979-05-27T07:32:00Z, a date like 1979-05-27 or a time like 07:32:00"

    static func read(_ reader: inout Reader) throws(TOMLError) -> TOMLValue {
        let start = reader.position
        var token: [UInt8] = []
        while let byte = reader.current, isTokenByte(byte) {
            token.append(byte)
            reader.advance()
        }
        // A date and a time may be separated by one space: `1979-05-27 07:32:00`.
        if isDate(token), token.count == 10, reader.current == 0x20, let next = reader.peek(1), isDigit(next) {
            token.append(0x20)
            reader.advance()
            while let byte = reader.current, isTokenByte(byte) {
                token.append(byte)
                reader.advance()
            }
        }
        if token.isEmpty {
            throw reader.error(
                "expected a value, found \(reader.describeCurrent())", fix: "write a value: \"text\" in quotes, a number, true or false, [an array] or { a table }")
        }
        let text = String(decoding: token, as: UTF8.self)
        let error = { (message: String, fix: String?) in TOMLError(position: start, message: message, fix: fix) }
        switch text {
        case "true": return .boolean(true)
        case "false": return .boolean(false)
        case "inf", "+inf": return .float(.infinity)
        case "-inf": return .float(-.infinity)
        case "nan", "+nan", "-nan": return .float(.nan)
        default: break
        }
        if token.count >= 5, isDigits(token[0..<4]), token[4] == UInt8(ascii: "-") {
            guard let value = dateTime(token) else { throw error("\(text) is not a valid date or date-time", dateTimeFix) }
            return .dateTime(value)
        }
        if token.count >= 3, isDigits(token[0..<2]), token[2] == UInt8(ascii: ":") {
            guard let time = time(token[...]), time.rest.isEmpty else { throw error("\(text) is not a valid time", dateTimeFix) }
            return .dateTime(TOMLDateTime(date: nil, time: time.time, offsetMinutes: nil, isUTC: false))
        }
        if let value = number(token) { return value }
        if token.allSatisfy({ isLetter($0) || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: "-") }) && !token.isEmpty && !isDigit(token[0]) {
            throw error("expected a value, found the bare word \(text)", "put text in quotes: \"\(text)\"")
        }
        throw error("\(text) is not a valid number, date or time", "write an integer (42, 0x2A, 1_000), a float (3.14, 1e6) or a date-time (1979-05-27T07:32:00Z)")
    }

    private static func isTokenByte(_ byte: UInt8) -> Bool {
        isDigit(byte) || isLetter(byte) || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-")
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: ":")
    }

    static func isDigit(_ byte: UInt8) -> Bool { byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") }
    static func isLetter(_ byte: UInt8) -> Bool { (byte | 0x20) >= UInt8(ascii: "a") && (byte | 0x20) <= UInt8(ascii: "z") }
    private static func isDigits(_ bytes: ArraySlice<UInt8>) -> Bool { !bytes.isEmpty && bytes.allSatisfy(isDigit) }
    private static func isDate(_ token: [UInt8]) -> Bool { token.count >= 10 && isDigits(token[0..<4]) && token[4] == UInt8(ascii: "-") }

    private static func digitsValue(_ bytes: ArraySlice<UInt8>) -> Int? {
        guard isDigits(bytes), bytes.count <= 9 else { return nil }
        return bytes.reduce(0) { $0 * 10 + Int($1 - UInt8(ascii: "0")) }
    }

    // MARK: Numbers

    private static func number(_ token: [UInt8]) -> TOMLValue? {
        var body = token[...]
        var negative = false
        if let first = body.first, first == UInt8(ascii: "+") || first == UInt8(ascii: "-") {
            negative = first == UInt8(ascii: "-")
            body = body.dropFirst()
        }
        if body.count > 2, body.first == UInt8(ascii: "0"), token.first != UInt8(ascii: "+"), token.first != UInt8(ascii: "-") {
            let radix: Int?
            switch body[body.startIndex + 1] {
            case UInt8(ascii: "x"): radix = 16
            case UInt8(ascii: "o"): radix = 8
            case UInt8(ascii: "b"): radix = 2
            default: radix = nil
            }
            if let radix {
                guard let digits = underscored(body.dropFirst(2), allowed: { digit($0, radix: radix) != nil }) else { return nil }
                guard let value = Int(String(decoding: digits, as: UTF8.self), radix: radix) else { return nil }
                return .integer(value)
            }
        }
        let isFloat = body.contains(UInt8(ascii: ".")) || body.contains(UInt8(ascii: "e")) || body.contains(UInt8(ascii: "E"))
        if !isFloat {
            guard let digits = underscored(body, allowed: isDigit), noLeadingZero(digits) else { return nil }
            guard let magnitude = Int(String(decoding: digits, as: UTF8.self)) else {
                // -9223372036854775808 has no positive twin.
                if negative, String(decoding: digits, as: UTF8.self) == "9223372036854775808" { return .integer(Int.min) }
                return nil
            }
            return .integer(negative ? -magnitude : magnitude)
        }
        // int-part [. digits] [e [+-] digits]
        var mantissa = body
        var exponent: ArraySlice<UInt8>?
        if let e = body.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            mantissa = body[body.startIndex..<e]
            var rest = body[(e + 1)...]
            if let sign = rest.first, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { rest = rest.dropFirst() }
            guard underscored(rest, allowed: isDigit) != nil else { return nil }
            exponent = body[(e + 1)...]
        }
        var integerPart = mantissa
        if let dot = mantissa.firstIndex(of: UInt8(ascii: ".")) {
            integerPart = mantissa[mantissa.startIndex..<dot]
            guard underscored(mantissa[(dot + 1)...], allowed: isDigit) != nil else { return nil }
        }
        guard let integerDigits = underscored(integerPart, allowed: isDigit), noLeadingZero(integerDigits) else { return nil }
        _ = exponent
        let plain = token.filter { $0 != UInt8(ascii: "_") }
        guard let value = Double(String(decoding: plain, as: UTF8.self)) else { return nil }
        return .float(value)
    }

    /// The digits without their underscores, if every underscore stands between two digits.
    private static func underscored(_ bytes: ArraySlice<UInt8>, allowed: (UInt8) -> Bool) -> [UInt8]? {
        guard let first = bytes.first, let last = bytes.last, allowed(first), allowed(last) else { return nil }
        var digits: [UInt8] = []
        var previousWasDigit = false
        for byte in bytes {
            if byte == UInt8(ascii: "_") {
                guard previousWasDigit else { return nil }
                previousWasDigit = false
            } else {
                guard allowed(byte) else { return nil }
                digits.append(byte)
                previousWasDigit = true
            }
        }
        return digits
    }

    private static func noLeadingZero(_ digits: [UInt8]) -> Bool { digits.count == 1 || digits.first != UInt8(ascii: "0") }

    private static func digit(_ byte: UInt8, radix: Int) -> Int? {
        let value: Int
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): value = Int(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): value = Int(byte - UInt8(ascii: "a")) + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): value = Int(byte - UInt8(ascii: "A")) + 10
        default: return nil
        }
        return value < radix ? value : nil
    }

    // MARK: Dates and times

    private static func dateTime(_ token: [UInt8]) -> TOMLDateTime? {
        guard token.count >= 10, token[7] == UInt8(ascii: "-"),
            let year = digitsValue(token[0..<4]), let month = digitsValue(token[5..<7]), let day = digitsValue(token[8..<10]),
            (1...12).contains(month), day >= 1, day <= daysIn(month: month, year: year)
        else { return nil }
        let date = TOMLDateTime.Date(year: year, month: month, day: day)
        if token.count == 10 { return TOMLDateTime(date: date, time: nil, offsetMinutes: nil, isUTC: false) }
        let separator = token[10]
        guard separator == UInt8(ascii: "T") || separator == UInt8(ascii: "t") || separator == 0x20,
            let parsed = time(token[11...])
        else { return nil }
        let rest = parsed.rest
        if rest.isEmpty { return TOMLDateTime(date: date, time: parsed.time, offsetMinutes: nil, isUTC: false) }
        if rest.count == 1, rest.first == UInt8(ascii: "Z") || rest.first == UInt8(ascii: "z") {
            return TOMLDateTime(date: date, time: parsed.time, offsetMinutes: 0, isUTC: true)
        }
        let i = rest.startIndex
        guard rest.count == 6, rest[i] == UInt8(ascii: "+") || rest[i] == UInt8(ascii: "-"), rest[i + 3] == UInt8(ascii: ":"),
            let hours = digitsValue(rest[(i + 1)..<(i + 3)]), let minutes = digitsValue(rest[(i + 4)..<(i + 6)]),
            hours < 24, minutes < 60
        else { return nil }
        let offset = (hours * 60 + minutes) * (rest[i] == UInt8(ascii: "-") ? -1 : 1)
        return TOMLDateTime(date: date, time: parsed.time, offsetMinutes: offset, isUTC: false)
    }

    /// `HH:MM:SS[.fraction]` at the start of `bytes`, and what follows it.
    private static func time(_ bytes: ArraySlice<UInt8>) -> (time: TOMLDateTime.Time, rest: ArraySlice<UInt8>)? {
        let i = bytes.startIndex
        guard bytes.count >= 8, bytes[i + 2] == UInt8(ascii: ":"), bytes[i + 5] == UInt8(ascii: ":"),
            let hour = digitsValue(bytes[i..<(i + 2)]), let minute = digitsValue(bytes[(i + 3)..<(i + 5)]),
            let second = digitsValue(bytes[(i + 6)..<(i + 8)]),
            hour < 24, minute < 60, second <= 60
        else { return nil }
        var rest = bytes[(i + 8)...]
        var fraction: [UInt8] = []
        if rest.first == UInt8(ascii: ".") {
            rest = rest.dropFirst()
            while let byte = rest.first, isDigit(byte) {
                fraction.append(byte)
                rest = rest.dropFirst()
            }
            if fraction.isEmpty { return nil }
        }
        return (TOMLDateTime.Time(hour: hour, minute: minute, second: second, fraction: String(decoding: fraction, as: UTF8.self)), rest)
    }

    private static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }
}
