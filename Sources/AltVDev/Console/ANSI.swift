/// Terminal escape sequences: stripping them from server output, adding them to ours.
public enum ANSI {
    /// Removes CSI (`ESC [ … final`), OSC (`ESC ] … BEL` or `ESC \`) and two-byte escapes.
    public static func strip(_ bytes: UnsafeRawBufferPointer) -> [UInt8] {
        var result: [UInt8] = []
        result.reserveCapacity(bytes.count)
        var i = 0
        let n = bytes.count
        while i < n {
            let byte = bytes[i]
            guard byte == 0x1B else {
                result.append(byte)
                i += 1
                continue
            }
            i += 1
            guard i < n else { break }
            switch bytes[i] {
            case UInt8(ascii: "["):
                i += 1
                while i < n, !(0x40...0x7E).contains(bytes[i]) { i += 1 }
                i += 1
            case UInt8(ascii: "]"):
                i += 1
                while i < n {
                    if bytes[i] == 0x07 { i += 1; break }
                    if bytes[i] == 0x1B, i + 1 < n, bytes[i + 1] == UInt8(ascii: "\\") { i += 2; break }
                    i += 1
                }
            default:
                i += 1
            }
        }
        return result
    }

    public static func strip(_ text: String) -> String {
        let bytes = Array(text.utf8)
        return bytes.withUnsafeBytes { String(decoding: strip($0), as: UTF8.self) }
    }

    public enum Style: String, Sendable {
        case bold = "1", dim = "2", red = "31", green = "32", yellow = "33", blue = "34", magenta = "35", cyan = "36"
    }

    public static func wrap(_ text: String, _ style: Style) -> String {
        "\u{1B}[\(style.rawValue)m\(text)\u{1B}[0m"
    }
}
