import FoundationEssentials
import TOML

/// alt:V (`shared/altv/README.md`, measured on real builds): `Loading`/`Loaded`/`Failed to
/// load`/`Stopping`/`Stopped resource <name>`, `No such resource <name> is loaded`, `Resource
/// already loaded`, `Usage: restart [resourcename]`; the console's `restart`, `start` and `stop`;
/// a resource is a folder with a `resource.toml`, named by its path, its `deps` loaded again by
/// the server after a restart.
public struct AltVPlatform: ServerPlatform {
    public init() {}

    public var kind: PlatformKind { .altv }
    public var resourceWords: [[UInt8]] { [Array("resource ".utf8)] }
    public var reloadsDependents: Bool { true }
    public var manifestNames: [String] { ["resource.toml"] }

    public func consoleLine(_ verb: ResourceCommandWatch.Verb, _ resource: String) -> String { "\(verb.rawValue) \(resource)" }

    public var defaultReady: String { "Server started" }
    public func launchCommand(for command: CommandSpec) -> CommandSpec { command }
    public func prepareStart(resourcesDir: String) throws(PlatformError) {}
    public var quitLine: String? { nil }
    public var rescanLine: String? { nil }
    public func doctorFindings(for config: Config) -> [DoctorFinding] { AltVDoctor(config: config)?.findings() ?? [] }
    /// In every line a diagnostic starts at: `[Error]`, `Error:`, `TypeError:`.
    public var diagnosticWords: [[UInt8]] { [Array("Error".utf8)] }
    public func diagnosticsReader(resourcesDir: String) -> ServerDiagnostics { ServerDiagnostics() }

    public func resourceName(ofFolder folder: String) -> String { folder }
    public func isCategory(_ folderName: String) -> Bool { false }

    public func dependencies(ofResourceIn folder: String) -> [String]? {
        guard let text = try? String(contentsOfFile: folder + "/resource.toml", encoding: .utf8), let table = try? TOMLParser.parse(text) else { return nil }
        return (table["deps"]?.value.array ?? []).compactMap { $0.value.string }
    }

    public func resourceFacts(in line: UnsafeRawBufferPointer) -> [ResourceLine] {
        Self.parse(line).map { [$0] } ?? []
    }

    /// The timestamp and level before a marker vary (`logTimeFormat`, `[Error]`) and the name may
    /// be coloured, so escapes are stripped and only the text after the marker is read.
    static func parse(_ line: UnsafeRawBufferPointer) -> ResourceLine? {
        guard mightBe(line) else { return nil }
        return parse(String(decoding: ANSI.strip(Self.head(line)), as: UTF8.self))
    }

    /// Cheap first test, run on every line while something listens: could this be one of ours?
    static func mightBe(_ line: UnsafeRawBufferPointer) -> Bool {
        let start = Self.head(line)
        return start.contains(bytes: resourceWord) || start.contains(bytes: usageWord)
    }

    private static let resourceWord = Array("esource".utf8)
    private static let usageWord = Array("Usage: ".utf8)

    /// Markers with a name after them, most specific first ("Failed to load resource" holds no "Loaded").
    private static let named: [(String, @Sendable (String) -> ResourceLine)] = [
        ("Failed to load resource ", ResourceLine.failed), ("Loaded resource ", ResourceLine.loaded),
        ("Loading resource ", ResourceLine.loading), ("Stopping resource ", ResourceLine.stopping),
        ("Stopped resource ", ResourceLine.stopped),
    ]

    static func parse(_ text: String) -> ResourceLine? {
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
