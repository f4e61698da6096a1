import FoundationEssentials

/// FXServer, FiveM's and RedM's server (`shared/fivem/README.md`): every line is coloured and
/// carries a 20-character channel (`[           resources] Started resource chat`), so escapes and
/// the channel go before the message is read, from its start; `ensure X` restarts a started
/// resource and starts a stopped one; a stopped resource's dependents stay stopped (altv-dev
/// ensures each again); a resource is a folder with `fxmanifest.lua` (or `__resource.lua`), named
/// by its folder's own name, and `[name]` folders are categories that hold resources.
public struct FXServerPlatform: ServerPlatform {
    public let kind: PlatformKind

    public init(kind: PlatformKind = .fivem) { self.kind = kind }

    public var resourceWords: [[UInt8]] { [Self.resourceWord] }
    public var reloadsDependents: Bool { false }
    public var manifestNames: [String] { kind == .redm ? ["fxmanifest.lua"] : ["fxmanifest.lua", "__resource.lua"] }

    public func consoleLine(_ verb: ResourceCommandWatch.Verb, _ resource: String) -> String {
        switch verb {
        // `restart` of a stopped resource is refused (`Can't restart a stopped resource.`); ensure does both.
        case .restart, .start: "ensure \(resource)"
        case .stop: "stop \(resource)"
        }
    }

    /// The ready helper (fxManager's and FxDK's way, §1): a resource of altv-dev's own, ensured
    /// after `+exec`, whose server script prints `readyMarker` on the first tick, which comes only
    /// after the whole config ran. No log line of FXServer means "ready".
    public static let helperName = "altv-dev-ready"
    public static let helperFolder = "[altv-dev]/altv-dev-ready"
    public static let readyMarker = "altv-dev-ready: the server ran its first tick"
    static let helperFiles: [(String, String)] = [
        ("fxmanifest.lua", """
            -- Written by altv-dev (altv-dev watch): tells it when the server has started everything.
            fx_version 'cerulean'
            games { 'gta5', 'rdr3' }
            rdr3_warning 'I acknowledge that this is a prerelease build of RedM, and I am aware my resources *will* become incompatible once RedM ships.'
            server_only 'yes'
            server_script 'server.lua'

            """),
        ("server.lua", """
            -- Written by altv-dev: its first tick comes after every ensure of the server's start.
            CreateThread(function()
                print("\(readyMarker)")
            end)

            """),
        ("README.md", """
            altv-dev writes this resource and ensures it after `+exec` (`+ensure altv-dev-ready`): its line
            on the server's first tick is how altv-dev knows the start is over. Delete it freely; it is
            written again at the next start. Add `resources/\\[altv-dev\\]/` to .gitignore (gitignore reads brackets as a class).

            """),
    ]

    public var defaultReady: String { Self.readyMarker }
    public var quitLine: String? { "quit \"stopped by altv-dev\"" }
    public var rescanLine: String? { "refresh" }
    /// `SCRIPT ERROR` and `Error parsing script`/`Error loading script`.
    public var diagnosticWords: [[UInt8]] { [Array("ERROR".utf8), Array("Error".utf8)] }

    /// Resource folders found at the start; one made later is looked for where it would be.
    public func diagnosticsReader(resourcesDir: String) -> ServerDiagnostics {
        let folders = Dictionary(ResourceFolders.find(in: resourcesDir, platform: self).map { (resourceName(ofFolder: $0), FilePath.join(resourcesDir, $0)) }) { first, _ in first }
        return ServerDiagnostics(fxServerFolders: { folders[$0] ?? FilePath.join(resourcesDir, $0) })
    }

    public func doctorFindings(for config: Config) -> [DoctorFinding] {
        FXServerDoctor(directory: config.directory, server: config.server, stages: config.stages).findings()
    }

    public func launchCommand(for command: CommandSpec) -> CommandSpec { command.appending(["+ensure", Self.helperName]) }

    /// Writes the helper where the server scans (only what differs, so a watch of the folder sees nothing new).
    public func prepareStart(resourcesDir: String) throws(PlatformError) {
        let folder = FilePath.join(resourcesDir, Self.helperFolder)
        do {
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            for (name, text) in Self.helperFiles {
                let path = FilePath.join(folder, name)
                if FileManager.default.contents(atPath: path) == Data(text.utf8) { continue }
                try Data(text.utf8).write(to: URL(fileURLWithPath: path))
            }
        } catch {
            throw PlatformError("could not write the ready helper into \(folder): \(error)")
        }
    }

    public func resourceName(ofFolder folder: String) -> String {
        String(folder.split(separator: "/").last ?? Substring(folder))
    }

    public func isCategory(_ folderName: String) -> Bool { folderName.hasPrefix("[") && folderName.hasSuffix("]") }

    public func dependencies(ofResourceIn folder: String) -> [String]? { manifest(in: folder)?.manifest.dependencies }

    /// The manifest of the resource in `folder` (absolute), read as data, and its path: the first of `manifestNames` there.
    public func manifest(in folder: String) -> (path: String, manifest: FXManifest)? {
        for name in manifestNames {
            let path = FilePath.join(folder, name)
            if let bytes = FileManager.default.contents(atPath: path) { return (path, FXManifest.parse(Array(bytes))) }
        }
        return nil
    }

    private static let resourceWord = Array("resource".utf8)

    public func resourceFacts(in line: UnsafeRawBufferPointer) -> [ResourceLine] {
        let head = Self.head(line)
        guard head.contains(bytes: Self.resourceWord) else { return [] }
        return Self.facts(in: Self.message(String(decoding: ANSI.strip(head), as: UTF8.self)))
    }

    /// The text after the channel: `[%20s] ` before every line (a name cut to 20 characters).
    static func message(_ text: String) -> Substring {
        let trimmed = text.drop { $0 == " " }
        guard trimmed.first == "[", let close = trimmed.firstIndex(of: "]"), trimmed.distance(from: trimmed.startIndex, to: close) <= 21 else { return trimmed }
        return trimmed[trimmed.index(after: close)...].drop { $0 == " " }
    }

    /// The message's facts, read from its start (a script printing these words mid-line is not the server).
    static func facts(in message: Substring) -> [ResourceLine] {
        if let name = name(after: "Started resource ", in: message) { return [.loaded(name)] }
        if let name = name(after: "Stopping resource ", in: message) { return [.stopping(name), .stopped(name)] }
        for marker in ["Couldn't start resource ", "Couldn't find resource "] {
            if let name = name(after: marker, in: message) { return [.loadError(name, message: String(message)), .failed(name)] }
        }
        // `Error parsing script @res/x.lua in resource res: …`: the resource still starts.
        for marker in ["Error parsing script ", "Error loading script "] where message.hasPrefix(marker) {
            guard let range = message.firstRange(of: " in resource "), let colon = message[range.upperBound...].firstIndex(of: ":") else { continue }
            let name = message[range.upperBound..<colon]
            if !name.isEmpty, !name.contains(" ") { return [.loadError(String(name), message: String(message))] }
        }
        if message.hasPrefix("Could not find dependency ") || message.hasPrefix("Could not start dependency "),
            let range = message.ranges(of: " for resource ").last
        {
            let name = message[range.upperBound...].trimmingWhitespace().trimmingSuffix(".")
            if !name.isEmpty, !name.contains(" ") { return [.loadError(name, message: String(message))] }
        }
        return []
    }

    /// The single word after `marker` at the message's start, a closing `.` and `(2 warnings)` dropped.
    private static func name(after marker: String, in message: Substring) -> String? {
        guard message.hasPrefix(marker) else { return nil }
        var rest = message.dropFirst(marker.count).trimmingWhitespace()
        if let open = rest.firstRange(of: " (") { rest = String(rest[..<open.lowerBound]) }
        let name = rest.trimmingSuffix(".")
        return name.isEmpty || name.contains(" ") ? nil : name
    }
}

extension StringProtocol {
    /// Without one `suffix` at the end.
    func trimmingSuffix(_ suffix: String) -> String { hasSuffix(suffix) ? String(dropLast(suffix.count)) : String(self) }
}
