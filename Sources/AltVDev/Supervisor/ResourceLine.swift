import FoundationEssentials

/// alt:V's own lines about resources and its console's answers (`shared/altv/README.md`, measured
/// on real builds): `Loading`/`Loaded`/`Failed to load`/`Stopping`/`Stopped resource <name>`,
/// `No such resource <name> is loaded`, `Resource already loaded`, `Usage: restart [resourcename]`.
/// The timestamp and level before them vary (`logTimeFormat`, `[Error]`) and the name may be
/// coloured, so escapes are stripped and only the text after the marker is read.
public enum ResourceLine: Equatable, Sendable {
    case loading(String)
    case loaded(String)
    case failed(String)
    case stopping(String)
    case stopped(String)
    /// `restart` or `stop` of a resource that is not loaded (also after it failed to load).
    case notLoaded(String)
    /// `start` of a resource that is loaded.
    case alreadyLoaded
    /// The console could not take the command (`restart a b`, a bare `restart`); the text after `Usage: `.
    case usage(String)

    /// Cheap first test, run on every line while something listens: could this be one of ours?
    static func mightBe(_ line: UnsafeRawBufferPointer) -> Bool {
        let start = UnsafeRawBufferPointer(rebasing: line.prefix(512))
        return start.contains(bytes: resourceWord) || start.contains(bytes: usageWord)
    }

    private static let resourceWord = Array("esource".utf8)
    private static let usageWord = Array("Usage: ".utf8)

    public static func parse(_ line: UnsafeRawBufferPointer) -> ResourceLine? {
        guard mightBe(line) else { return nil }
        let text = String(decoding: ANSI.strip(UnsafeRawBufferPointer(rebasing: line.prefix(512))), as: UTF8.self)
        return parse(text)
    }

    /// Markers with a name after them, most specific first ("Failed to load resource" holds no "Loaded").
    private static let named: [(String, @Sendable (String) -> ResourceLine)] = [
        ("Failed to load resource ", ResourceLine.failed), ("Loaded resource ", ResourceLine.loaded),
        ("Loading resource ", ResourceLine.loading), ("Stopping resource ", ResourceLine.stopping),
        ("Stopped resource ", ResourceLine.stopped),
    ]

    public static func parse(_ text: String) -> ResourceLine? {
        for (marker, make) in named {
            guard let range = text.firstRange(of: marker) else { continue }
            let name = text[range.upperBound...].trimmingWhitespace()
            if !name.isEmpty, !name.contains(" ") { return make(name) }
        }
        if let range = text.firstRange(of: "No such resource "), let end = text.ranges(of: " is loaded").last,
            range.upperBound <= end.lowerBound
        {
            let name = text[range.upperBound..<end.lowerBound].trimmingWhitespace()
            if !name.isEmpty, !name.contains(" ") { return .notLoaded(name) }
        }
        if text.contains("Resource already loaded") { return .alreadyLoaded }
        if let range = text.firstRange(of: "Usage: ") { return .usage(text[range.upperBound...].trimmingWhitespace()) }
        return nil
    }
}
