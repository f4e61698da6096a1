import FoundationEssentials

/// `[server] platform`: which game server the project runs.
public enum PlatformKind: String, Equatable, Sendable, CaseIterable {
    case altv
    /// FXServer, for GTA V (FiveM) and, with `set gamename rdr3`, for RedM: one server, one behaviour.
    case fivem
    case redm

    public var platform: any ServerPlatform {
        switch self {
        case .altv: AltVPlatform()
        case .fivem, .redm: FXServerPlatform(kind: self)
        }
    }
}

/// What one kind of game server is to the loop: what its output says about resources, which
/// console line restarts, starts or stops one, and how its resources are laid out and depend on
/// each other. The loop, the planner and the supervisor ask this and know no server's words
/// themselves; each kind's facts are in `shared/altv/README.md` and `shared/fivem/README.md`.
public protocol ServerPlatform: Sendable {
    var kind: PlatformKind { get }
    /// Plain words one of which is in every read that holds a resource line (checked once per
    /// read, so output without them passes at disk speed).
    var resourceWords: [[UInt8]] { get }
    /// What one whole line of output (escapes and all, as printed) says about resources: mostly nothing.
    func resourceFacts(in line: UnsafeRawBufferPointer) -> [ResourceLine]
    /// The console line that does `verb` to `resource`.
    func consoleLine(_ verb: ResourceCommandWatch.Verb, _ resource: String) -> String
    /// Whether a restart loads the dependents the server stopped with a resource again by itself
    /// (alt:V), or leaves them stopped (FXServer), so that altv-dev starts each again.
    var reloadsDependents: Bool { get }
    /// The files whose presence makes a folder a resource, the first the one `init` and the doctor name.
    var manifestNames: [String] { get }
    /// The name the server knows the resource in `folder` (relative to the resources folder) by.
    func resourceName(ofFolder folder: String) -> String
    /// Whether a folder of this name holds resources rather than being one (FXServer's `[category]`).
    func isCategory(_ folderName: String) -> Bool
    /// The resources the one in `folder` (absolute) depends on, as its manifest names them; nil
    /// when there is no manifest it can read.
    func dependencies(ofResourceIn folder: String) -> [String]?
    /// The ready line when `[server] ready` is not set.
    var defaultReady: String { get }
    /// What the server is started with: the user's command and what the platform adds to it.
    func launchCommand(for command: CommandSpec) -> CommandSpec
    /// Puts in place what a start needs in the server's folders (FXServer: the ready helper).
    func prepareStart(resourcesDir: String) throws(PlatformError)
    /// A console line that makes the server quit by itself, tried before the stop signal.
    var quitLine: String? { get }
    /// A console line that makes the server read its resource folders and manifests again, typed
    /// before a restart when a manifest changed or a resource folder appeared since the last.
    var rescanLine: String? { get }
    /// What `check` (and `watch`, once at start) warns about in the server's own files.
    func doctorFindings(for config: Config) -> [DoctorFinding]
    /// Plain words one of which is in every read holding the start of one of the server's problems.
    var diagnosticWords: [[UInt8]] { get }
    /// The reader of the server's problems, for a server whose resources are in `resourcesDir`.
    func diagnosticsReader(resourcesDir: String) -> ServerDiagnostics
}

/// What a platform could not do to start the server, in words for the user.
public struct PlatformError: Error, Equatable, Sendable, CustomStringConvertible {
    public var description: String
    public init(_ description: String) { self.description = description }
}

extension ServerPlatform {
    /// Whether `folder` (absolute) holds one of this platform's manifests.
    public func hasManifest(_ folder: String) -> Bool {
        manifestNames.contains { FileManager.default.fileExists(atPath: folder + "/" + $0) }
    }

    /// The first words of a line, up to 512 bytes: every marker a platform reads is near its start.
    static func head(_ line: UnsafeRawBufferPointer) -> UnsafeRawBufferPointer { UnsafeRawBufferPointer(rebasing: line.prefix(512)) }
}
