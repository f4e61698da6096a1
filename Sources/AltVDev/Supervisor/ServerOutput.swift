import FoundationEssentials
import Glibc
import Synchronization

/// The server's output on its way to the terminal: prefixed, masked, batched per read, watched
/// for the ready line, and the last lines kept for a crash report.
/// Unchecked: the batch, `readySeen` and the chunk flags belong to the pump's thread alone; everything shared is in `shared`.
public final class ServerOutput: LineHandler, @unchecked Sendable {
    public static let keptLines = 20

    private let console: Console
    private let prefix: [UInt8]
    private let name: String
    /// `[name] ` as the child may print it itself: such a line is not prefixed twice.
    private let ownPrefix: [UInt8]
    private let redactor: Redactor
    private let matcher: ReadyMatcher?
    /// `ci` only: lines that count as the server's errors. Nil in `watch`, where no line is looked at for it.
    private let errorMatcher: ReadyMatcher?
    /// A stage's output: each line, escapes stripped, for its diagnostics. Never the server's (its lines pass at disk speed).
    private let lineObserver: (@Sendable (String) -> Void)?
    /// The server's output: each problem it prints (`[Error]` lines, JS error blocks), masked.
    private let onDiagnostic: (@Sendable (Diagnostic) -> Void)?
    /// Pump thread only.
    private var diagnostics: ServerDiagnostics
    /// In every read that starts one of the server's problems (one memchr-led search a word).
    private let diagnosticWords: [[UInt8]]
    /// Pump thread only: the source place shown after this line, for the failed load's quoted lines too.
    private var mappedPlace: String?
    /// Frames in bundled files, mapped to their sources.
    private let sourceMaps: SourceMapLookup?
    private var batch: [UInt8] = []
    /// Pump thread only: the pieces of a line shown before it ended (a ready line written in two
    /// parts far apart), so the whole line is matched once it ends. No line worth matching is longer.
    private var carried: [UInt8] = []
    static let carriedLimit = 4096

    /// What other threads read or add to.
    private struct Shared {
        /// The last bytes printed, raw: last lines are cut from it only when a crash is reported.
        var tail: [UInt8] = []
        /// The resources the server has loaded, from its own lines; only the server's output keeps them.
        var resources = LoadedResources()
        /// `Failed to load resource` lines seen before the ready line, for the cycle's summary.
        var failedResources: [String] = []
        /// Listeners for resource lines during a console `restart`.
        var resourceListeners: [Int: @Sendable (ResourceLine) -> Void] = [:]
        var nextListener = 0
        /// Lines `errorMatcher` matched (`ci`'s `--fail-on`), as the terminal shows them; the first ones kept.
        var errorLines: [String] = []
    }
    private let shared = Mutex(Shared())
    private static let tailBytes = 16 * 1024
    /// Read on the pump's thread only: once the ready line is seen, lines are no longer matched.
    private var readySeen = false
    /// When the ready line was seen.
    public let ready = Latch<ContinuousClock.Instant>()
    /// The child's output closed: every line has been handled.
    public let closed = Latch<Void>()
    /// The server's platform, which reads its resource lines; nil for every other output.
    private let platform: (any ServerPlatform)?
    private var tracksResources: Bool { platform != nil }
    private let resourceWords: [[UInt8]]
    /// Pump thread only: a resource is loading, so every line may be one of its error lines.
    private var capturingLoad = false
    /// How many resource listeners there are: lets every other line skip the lock.
    private let listenerCount = Atomic<Int>(0)

    /// Without a `matcher` nothing is ever "ready" (a stage's output, a service without `ready`);
    /// `tracksResources` for the server's output: its resource lines are read all the time.
    public static let keptErrorLines = 50

    public init(
        console: Console, name: String, matcher: ReadyMatcher?, platform: (any ServerPlatform)? = nil, errorMatcher: ReadyMatcher? = nil,
        lineObserver: (@Sendable (String) -> Void)? = nil, onDiagnostic: (@Sendable (Diagnostic) -> Void)? = nil,
        sourceMaps: SourceMapLookup? = nil, diagnostics: ServerDiagnostics = ServerDiagnostics()
    ) {
        self.errorMatcher = errorMatcher
        self.onDiagnostic = onDiagnostic
        self.sourceMaps = sourceMaps
        self.lineObserver = lineObserver
        self.console = console
        self.prefix = console.prefix(for: name)
        self.name = name
        self.ownPrefix = Array("[\(name)] ".utf8)
        self.redactor = console.currentRedactor
        self.matcher = matcher
        self.platform = platform
        self.resourceWords = platform?.resourceWords ?? []
        self.diagnostics = diagnostics
        self.diagnosticWords = platform?.diagnosticWords ?? AltVPlatform().diagnosticWords
        batch.reserveCapacity(64 * 1024)
    }

    /// Pump thread only: whether this read can hold the ready line or a resource line at all (one
    /// memmem over the read instead of one per line: what lets output pass at disk speed).
    private var chunkMayBeReady = true
    private var chunkMayNameResource = true
    private var chunkMayBeError = false
    private var chunkMayBeDiagnostic = false

    public func startOfChunk(_ chunk: UnsafeRawBufferPointer) {
        // The line a carried piece begins ends in this read: what it may be is not in these bytes alone.
        guard carried.isEmpty else {
            (chunkMayBeReady, chunkMayNameResource, chunkMayBeDiagnostic) = (true, true, onDiagnostic != nil)
            if errorMatcher != nil { chunkMayBeError = true }
            return
        }
        if !readySeen, let matcher {
            let escapes = chunk.count > 0 && memchr(chunk.baseAddress!, 0x1B, chunk.count) != nil
            chunkMayBeReady = escapes || matcher.mayMatch(in: chunk)
        }
        // The marker words are plain text even where the server colours the name after them.
        if tracksResources { chunkMayNameResource = resourceWords.contains { chunk.contains(bytes: $0) } }
        // Every read of the server's output is looked at for this: memchr on the rare `E`, not memmem.
        if onDiagnostic != nil { chunkMayBeDiagnostic = diagnosticWords.contains { chunk.contains(rareFirst: $0) } }
        if let errorMatcher { chunkMayBeError = (chunk.count > 0 && memchr(chunk.baseAddress!, 0x1B, chunk.count) != nil) || errorMatcher.mayMatch(in: chunk) }
    }


    /// Whether this line must be read for the server's diagnostics: a block's frames carry no `Error`.
    private var readsDiagnostics: Bool { onDiagnostic != nil && (chunkMayBeDiagnostic || diagnostics.isInBlock) }

    /// The whole read at once when no line in it needs a look of its own (no ready or resource line
    /// can be in it, no resource is loading, no secret, no `\r`, no line already prefixed): prefixes
    /// copied in with memcpy, no work per byte. This is what keeps a flood of output at disk speed.
    public func handle(lines: UnsafeRawBufferPointer) -> Bool {
        guard carried.isEmpty, lineObserver == nil, !readsDiagnostics, readySeen || matcher == nil || !chunkMayBeReady, !tracksResources || (!chunkMayNameResource && !capturingLoad), !chunkMayBeError,
            listenerCount.load(ordering: .relaxed) == 0, let base = lines.baseAddress,
            memchr(base, 0x0D, lines.count) == nil, !lines.contains(bytes: ownPrefix), !redactor.mayMask(in: lines)
        else { return false }
        var count = 0
        var cursor = base
        let end = base + lines.count
        while cursor < end, let newline = memchr(cursor, 0x0A, cursor.distance(to: end)) {
            count += 1
            cursor = UnsafeRawPointer(newline) + 1
        }
        let size = lines.count + count * prefix.count
        let prefixed = [UInt8](unsafeUninitializedCapacity: size) { out, written in
            var to = UnsafeMutableRawPointer(out.baseAddress!)
            var from = base
            prefix.withUnsafeBytes { prefix in
                while from < end, let newline = memchr(from, 0x0A, from.distance(to: end)) {
                    let length = from.distance(to: UnsafeRawPointer(newline)) + 1
                    to.copyMemory(from: prefix.baseAddress!, byteCount: prefix.count)
                    (to + prefix.count).copyMemory(from: from, byteCount: length)
                    to += prefix.count + length
                    from += length
                }
            }
            written = size
        }
        if batch.isEmpty { batch = prefixed } else { batch.append(contentsOf: prefixed) }
        return true
    }

    /// Shown as a line of its own (it waited long enough), and kept to be matched with the rest. A
    /// ready line may end without a newline (then the server goes quiet): what has come is tried.
    public func handle(piece: UnsafeRawBufferPointer) {
        show(piece)
        batch.append(UInt8(ascii: "\n"))
        if carried.count + piece.count <= Self.carriedLimit { carried.append(contentsOf: piece) } else { carried.removeAll() }
        if !readySeen, let matcher, carried.withUnsafeBytes({ matcher.matches($0) }) { seeReady() }
    }

    public func handle(line piece: UnsafeRawBufferPointer) {
        show(piece)
        guard !carried.isEmpty else { return examine(piece) }
        // The line is whole now: its rules see all of it, once.
        carried.append(contentsOf: piece)
        let whole = carried
        carried.removeAll(keepingCapacity: true)
        whole.withUnsafeBytes { examine($0) }
    }

    private func show(_ piece: UnsafeRawBufferPointer) {
        batch.append(contentsOf: prefix)
        let ownPrefixed = piece.count >= ownPrefix.count && memcmp(piece.baseAddress!, ownPrefix, ownPrefix.count) == 0
        redactor.redact(ownPrefixed ? UnsafeRawBufferPointer(rebasing: piece[ownPrefix.count...]) : piece, into: &batch)
    }

    /// A whole line, already shown but for its newline: its diagnostics, resource line, error and ready line.
    private func examine(_ line: UnsafeRawBufferPointer) {
        mappedPlace = nil
        if readsDiagnostics { readDiagnostics(in: line) }
        batch.append(UInt8(ascii: "\n"))
        if tracksResources || listenerCount.load(ordering: .relaxed) > 0 { observeResources(in: line) }
        if chunkMayBeError, let errorMatcher, errorMatcher.matches(line) { recordError(line) }
        if let lineObserver { lineObserver(String(decoding: ANSI.strip(line), as: UTF8.self)) }
        guard !readySeen, let matcher else { return }
        if chunkMayBeReady, matcher.matches(line) { seeReady() }
    }

    private func seeReady() {
        readySeen = true
        // The ready line reaches the terminal before anyone hears that it was seen.
        endOfChunk()
        ready.fulfill(.now)
    }

    /// Keeps the loaded resources (and a failing one's error lines) and tells the listeners.
    private func observeResources(in line: UnsafeRawBufferPointer) {
        let listening = listenerCount.load(ordering: .relaxed) > 0
        let read = chunkMayNameResource || listening ? platform?.resourceFacts(in: line) ?? [] : []
        guard !read.isEmpty || capturingLoad else { return }
        // Error lines are kept as the terminal shows them: no escapes, secrets masked.
        let shown = { [redactor, mappedPlace] in
            ANSI.strip(UnsafeRawBufferPointer(rebasing: line.prefix(400))).withUnsafeBytes {
                String(decoding: redactor.redact($0), as: UTF8.self) + (mappedPlace ?? "")
            }
        }
        let facts = read.map { fact in
            if case .loadError(let name, _) = fact { return ResourceLine.loadError(name, message: shown()) }
            return fact
        }
        let text = facts.isEmpty ? shown() : nil
        let beforeReady = !readySeen
        let (listeners, loading) = shared.withLock { shared -> ([@Sendable (ResourceLine) -> Void], Bool) in
            for fact in facts {
                let failedLoad = shared.resources.apply(fact)
                if beforeReady, let failedLoad { shared.failedResources.append(failedLoad) }
            }
            if let text { shared.resources.capture(text) }
            return (facts.isEmpty || !listening ? [] : Array(shared.resourceListeners.values), shared.resources.isLoading)
        }
        capturingLoad = loading
        guard !facts.isEmpty, !listeners.isEmpty else { return }
        // What the server printed before the answer is on the terminal before anyone acts on it.
        endOfChunk()
        for fact in facts { for listener in listeners { listener(fact) } }
    }

    /// Each problem the line completes, at its source place where a map has one; a frame in a bundle
    /// is shown with its source place after it (`… server.js:1:48211 → src/core/server/index.ts:22:7`).
    private func readDiagnostics(in line: UnsafeRawBufferPointer) {
        let text = ANSI.strip(line).withUnsafeBytes { String(decoding: redactor.redact($0), as: UTF8.self) }
        let found = diagnostics.read(text)
        let place = diagnostics.lastFrame.flatMap { sourceMaps?.place(file: $0.file, line: $0.line, column: $0.column) }
        if let place, let sourceMaps {
            mappedPlace = " → \(sourceMaps.shown(place))"
            batch.append(contentsOf: Array(mappedPlace!.utf8))
        }
        deliver(found, mappedTo: place)
    }

    /// Only a frame line places a diagnostic, at that frame: `place` is its source place, when a map has one.
    private func deliver(_ found: [Diagnostic], mappedTo place: SourceMap.Place? = nil) {
        guard let onDiagnostic else { return }
        for var diagnostic in found {
            if diagnostic.file != nil, let place { (diagnostic.file, diagnostic.line, diagnostic.column) = (place.source, place.line, place.column) }
            onDiagnostic(diagnostic)
        }
    }

    private func recordError(_ line: UnsafeRawBufferPointer) {
        let text = ANSI.strip(UnsafeRawBufferPointer(rebasing: line.prefix(400))).withUnsafeBytes { String(decoding: redactor.redact($0), as: UTF8.self) }
        shared.withLock { if $0.errorLines.count < Self.keptErrorLines { $0.errorLines.append(text) } }
    }

    /// The lines `errorMatcher` matched so far (the first `keptErrorLines`).
    public var errorLines: [String] { shared.withLock { $0.errorLines } }

    public func endOfChunk() {
        guard !batch.isEmpty else { return }
        console.write(raw: batch, from: name)
        // The tail is the end of what was written, prefixes and all: one copy per read, none per line.
        let kept = batch.suffix(Self.tailBytes)
        shared.withLock { shared in
            shared.tail.append(contentsOf: kept)
            // Trimmed in big steps, so keeping the tail costs a copy per 16 KiB, not per line.
            if shared.tail.count > 2 * Self.tailBytes { shared.tail.removeFirst(shared.tail.count - Self.tailBytes) }
        }
        batch.removeAll(keepingCapacity: true)
    }

    /// Resources the server said it failed to load while starting.
    public var resourcesFailedAtStart: [String] { shared.withLock { $0.failedResources } }

    /// What the server's own lines say is loaded now, and what it printed for each failed load.
    public var loadedResources: LoadedResources { shared.withLock { $0.resources } }

    /// Calls `listener` with each resource line until the returned token is passed to `stopListening`.
    public func listenForResourceLines(_ listener: @escaping @Sendable (ResourceLine) -> Void) -> Int {
        shared.withLock { shared in
            shared.nextListener += 1
            shared.resourceListeners[shared.nextListener] = listener
            listenerCount.add(1, ordering: .relaxed)
            return shared.nextListener
        }
    }

    public func stopListening(_ token: Int) {
        shared.withLock { shared in
            if shared.resourceListeners.removeValue(forKey: token) != nil { listenerCount.subtract(1, ordering: .relaxed) }
        }
    }

    public func finished() {
        deliver(diagnostics.finish())
        closed.fulfill(())
    }

    public func keptBack(atEndOf piece: UnsafeRawBufferPointer) -> Int {
        redactor.isEmpty ? 0 : redactor.partialSecretLength(atEndOf: piece)
    }

    /// The last lines printed (each cut at 400 bytes), without their prefix, escapes stripped and secrets masked.
    public var lastLines: [String] {
        let bytes = shared.withLock { $0.tail }
        let lines = bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().suffix(Self.keptLines)
        return lines.map { line in
            let unprefixed = line.starts(with: prefix) ? line.dropFirst(prefix.count) : line[...]
            let clean = Array(unprefixed.prefix(400)).withUnsafeBytes { ANSI.strip($0) }
            return clean.withUnsafeBytes { String(decoding: redactor.redact($0), as: UTF8.self) }
        }
    }
}
