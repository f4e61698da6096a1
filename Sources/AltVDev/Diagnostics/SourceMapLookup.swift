import FoundationEssentials
import Glibc

/// Maps a place in a bundled file to its source: the map the file's `sourceMappingURL` names
/// (inline or beside it), else `<file>.map`. Each file's map is read once until the file changes;
/// a bad one is said once (`note`) and its frames are shown as they are.
/// Unchecked: used on the server output's pump thread alone.
public final class SourceMapLookup: @unchecked Sendable {
    /// What a bundled file's last `sourceMappingURL` comment points at.
    public enum Reference: Equatable, Sendable {
        case inline([UInt8])
        case file(String)
    }

    private struct Stamp: Equatable {
        var device: UInt64, inode: UInt64, size: Int, seconds: Int, nanoseconds: Int
    }

    private let directory: String?
    private let note: @Sendable (_ file: String, _ reason: String) -> Void
    private var cache: [String: (stamp: Stamp, map: SourceMap?, folder: String)] = [:]
    /// No more files than this are kept: a server's frames name its resources' bundles, a few.
    static let cacheLimit = 64

    /// `directory`: where shown places are relative to (the config's folder).
    public init(directory: String?, note: @escaping @Sendable (_ file: String, _ reason: String) -> Void) {
        self.directory = directory
        self.note = note
    }

    /// The source place of a generated one (1-based), its source an absolute path; nil when the file has no map or the map says nothing there.
    public func place(file: String, line: Int, column: Int) -> SourceMap.Place? {
        guard file.hasPrefix("/"), let stamp = Self.stamp(of: file) else { return nil }
        if cache[file]?.stamp != stamp {
            if cache.count >= Self.cacheLimit { cache.removeAll() }
            let (map, folder) = load(file)
            cache[file] = (stamp, map, folder)
        }
        guard let (_, map, folder) = cache[file], let map, var place = map.place(line: line, column: column) else { return nil }
        place.source = FilePath.lexicallyStandardized(FilePath.join(folder, Self.path(ofSource: place.source)))
        return place
    }

    /// `src/core/server/index.ts:22:7`, relative to the config's folder where it lies in it.
    public func shown(_ place: SourceMap.Place) -> String {
        let path = directory.flatMap { PathFilter.relative(place.source, to: $0) } ?? place.source
        return "\(path):\(place.line):\(place.column)"
    }

    private func load(_ file: String) -> (SourceMap?, folder: String) {
        let folder = FilePath.parent(file)
        guard let bytes = Self.read(file) else { return (nil, folder) }
        let reference = Self.reference(in: bytes)
        let mapBytes: [UInt8]
        var mapFolder = folder
        var named = file + ".map"
        switch reference {
        case .inline(let inline)?:
            (mapBytes, named) = (inline, file + " (its inline map)")
        case .file(let path)?:
            named = FilePath.lexicallyStandardized(FilePath.join(folder, path))
            guard let read = Self.read(named) else {
                note(file, "its sourceMappingURL names \(named), which cannot be read")
                return (nil, folder)
            }
            (mapBytes, mapFolder) = (read, FilePath.parent(named))
        case nil:
            guard let read = Self.read(named) else { return (nil, folder) }
            mapBytes = read
        }
        do {
            return (try SourceMap.parse(mapBytes), mapFolder)
        } catch {
            note(named, "\(error)")
            return (nil, folder)
        }
    }

    /// The last `//# sourceMappingURL=` line: a `data:` URL's JSON, or a path (percent-escapes undone).
    public static func reference(in bytes: [UInt8]) -> Reference? {
        let markers = [Array("//# sourceMappingURL=".utf8), Array("//@ sourceMappingURL=".utf8)]
        let found = markers.compactMap { bytes.lastRange(of: $0) }.max { $0.lowerBound < $1.lowerBound }
        guard let found else { return nil }
        let end = bytes[found.upperBound...].firstIndex { $0 == 0x0A || $0 == 0x0D } ?? bytes.endIndex
        let url = String(decoding: bytes[found.upperBound..<end], as: UTF8.self).trimmingWhitespace()
        guard !url.isEmpty else { return nil }
        if url.hasPrefix("data:") {
            guard let comma = url.firstIndex(of: ",") else { return nil }
            let header = url[..<comma], payload = String(url[url.index(after: comma)...])
            if header.hasSuffix(";base64") { return Data(base64Encoded: payload).map { .inline(Array($0)) } }
            return .inline(Array(ServerDiagnostics.percentDecoded(payload).utf8))
        }
        // A map on the network is not fetched.
        guard !url.contains("://") else { return nil }
        return .file(ServerDiagnostics.percentDecoded(url))
    }

    /// A source named by a `file://` URL is its path; `webpack://` and the like keep what follows.
    static func path(ofSource source: String) -> String {
        if source.hasPrefix("file://") { return ServerDiagnostics.percentDecoded(String(source.dropFirst("file://".count))) }
        if let scheme = source.firstRange(of: "://") { return String(source[scheme.upperBound...]) }
        return source
    }

    private static func stamp(of path: String) -> Stamp? {
        var info = stat()
        guard stat(path, &info) == 0, (info.st_mode & S_IFMT) == S_IFREG else { return nil }
        return Stamp(
            device: UInt64(info.st_dev), inode: UInt64(info.st_ino), size: Int(info.st_size), seconds: info.st_mtim.tv_sec,
            nanoseconds: info.st_mtim.tv_nsec)
    }

    /// A regular file's bytes, up to the limit a map may have.
    static func read(_ path: String) -> [UInt8]? {
        guard let stamp = stamp(of: path), stamp.size <= SourceMap.byteLimit else { return nil }
        return ProcFile.read(path)
    }
}

extension Array where Element == UInt8 {
    /// The last place `needle` occurs.
    func lastRange(of needle: [UInt8]) -> Range<Int>? {
        guard !needle.isEmpty, needle.count <= count else { return nil }
        var start = count - needle.count
        while start >= 0 {
            if self[start] == needle[0], self[start..<start + needle.count].elementsEqual(needle) { return start..<start + needle.count }
            start -= 1
        }
        return nil
    }
}
