import Glibc

/// Reads files under /proc, which report a size of 0: read until end of file, never by size.
public enum ProcFile {
    /// `chunk`: the size of each read; small for the many small files of a /proc scan.
    public static func read(_ path: String, chunk: Int = 64 * 1024) -> [UInt8]? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        return readAll(fd, chunk: chunk)
    }

    /// Everything `fd` gives until end of file (a file, or a child's output pipe).
    public static func readAll(_ fd: Int32, chunk: Int = 64 * 1024) -> [UInt8] {
        var result: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: chunk)
        while true {
            let count = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            if count <= 0 { break }
            result.append(contentsOf: buffer[0..<count])
        }
        return result
    }

    public static func text(_ path: String) -> String? {
        read(path).map { String(decoding: $0, as: UTF8.self) }
    }
}
