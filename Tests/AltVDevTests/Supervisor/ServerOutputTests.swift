import Glibc
import Testing

@testable import AltVDev

@Suite("Child output prefixes")
struct ServerOutputTests {
    /// What `lines` look like on the terminal when a child named `name` prints them.
    func shown(_ lines: [String], name: String) -> String {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        defer { close(fds[0]) }
        let output = ServerOutput(console: Console(descriptor: fds[1], colors: false), name: name, matcher: nil)
        for line in lines {
            Array(line.utf8).withUnsafeBytes { output.handle(line: $0) }
        }
        output.endOfChunk()
        close(fds[1])
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = read(fds[0], &bytes, bytes.count)
        return String(decoding: bytes.prefix(max(0, count)), as: UTF8.self)
    }

    @Test("a child that prefixes its own lines with its name is not prefixed twice ([client] [client])")
    func noDoublePrefix() {
        #expect(shown(["[client] listening", "plain", "[client]x", "[other] y"], name: "client")
            == "[client] listening\n[client] plain\n[client] [client]x\n[client] [other] y\n")
    }
}
