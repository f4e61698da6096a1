import FoundationEssentials

/// alt:V's own lines about one resource (`shared/altv/README.md`): the server prints
/// `Loaded resource <name>` after a (re)start and `Failed to load resource <name>` when it could not.
/// The timestamp and level before them vary (`logTimeFormat`, `[Error]`), so only the text after is read.
public enum ResourceLine: Equatable, Sendable {
    case loaded(String)
    case failed(String)

    static let loadedMarker = Array("Loaded resource ".utf8)
    static let failedMarker = Array("Failed to load resource ".utf8)

    /// Cheap first test, run on every line while something listens: could this be one of ours?
    static func mightBe(_ line: UnsafeRawBufferPointer) -> Bool {
        UnsafeRawBufferPointer(rebasing: line.prefix(512)).contains(bytes: Array(" resource ".utf8))
    }

    public static func parse(_ line: UnsafeRawBufferPointer) -> ResourceLine? {
        guard mightBe(line) else { return nil }
        let text = String(decoding: ANSI.strip(UnsafeRawBufferPointer(rebasing: line.prefix(512))), as: UTF8.self)
        return parse(text)
    }

    public static func parse(_ text: String) -> ResourceLine? {
        for (marker, make) in [("Failed to load resource ", ResourceLine.failed), ("Loaded resource ", ResourceLine.loaded)] {
            guard let range = text.firstRange(of: marker) else { continue }
            let name = text[range.upperBound...].trimmingWhitespace()
            if !name.isEmpty, !name.contains(" ") { return make(name) }
        }
        return nil
    }
}
