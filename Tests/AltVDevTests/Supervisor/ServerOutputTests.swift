import Foundation
import Glibc
import Synchronization
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

    @Test("a flood through the pump: whole reads of plain lines and line-by-line reads give the same lines as the rules say")
    func floodKeepsEveryRule() async throws {
        // The input: mostly plain lines (taken a read at a time), with a ready line, a secret, a
        // carriage return and lines already prefixed among them (each makes its read go line by line).
        var input = "", expected = ""
        func add(_ printed: String, _ shown: String) {
            input += printed
            expected += shown
        }
        for i in 0..<40_000 {
            switch i % 5_000 {
            case 1_234: add("pw=Secret123 x\n", "[server] pw=\(Redactor.mask) x\n")
            case 2_345: add("Secret1234 kept\r\n", "[server] Secret1234 kept\n")
            case 3_456: add("[server] own \(i)\n", "[server] own \(i)\n")
            default: add("line \(i) of the flood\n", "[server] line \(i) of the flood\n")
            }
            if i == 17_000 { add("Server started\n", "[server] Server started\n") }
        }
        add("last without newline", "[server] last without newline\n")
        let source = try temporaryFile(input), sink = try temporaryFile("")
        defer { close(source); close(sink) }
        let console = Console(descriptor: sink, colors: false)
        console.setSecrets(["Secret123"])
        let output = ServerOutput(console: console, name: "server", matcher: try ReadyMatcher(pattern: "Server started"))
        OutputPump.pump(descriptor: source, handler: output)
        #expect(output.ready.current != nil)
        lseek(sink, 0, SEEK_SET)
        var written: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 1 << 16)
        while case let count = read(sink, &buffer, buffer.count), count > 0 { written += buffer.prefix(count) }
        let shown = String(decoding: written, as: UTF8.self)
        #expect(shown.count == expected.count)
        #expect(shown == expected)
    }

    func temporaryFile(_ content: String) throws -> Int32 {
        var template = Array("/tmp/altv-dev-output-XXXXXX".utf8CString)
        let descriptor = mkstemp(&template)
        try #require(descriptor >= 0)
        unlink(template)
        _ = content.utf8CString.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count - 1) }
        lseek(descriptor, 0, SEEK_SET)
        return descriptor
    }

    /// Pumps `descriptor` into a ServerOutput masking `secret`; what the terminal got.
    func pumped(_ descriptor: Int32, secret: String) throws -> String {
        let sink = try temporaryFile("")
        defer { close(sink) }
        let console = Console(descriptor: sink, colors: false)
        console.setSecrets([secret])
        OutputPump.pump(descriptor: descriptor, handler: ServerOutput(console: console, name: "server", matcher: nil))
        lseek(sink, 0, SEEK_SET)
        var written: [UInt8] = [], buffer = [UInt8](repeating: 0, count: 1 << 16)
        while case let count = read(sink, &buffer, buffer.count), count > 0 { written += buffer.prefix(count) }
        return String(decoding: written, as: UTF8.self)
    }

    @Test("a password in colour, across the 64 KiB piece of a long line, and across two writes far apart is masked")
    func secretAcrossEscapesAndReads() throws {
        let redactor = Redactor(secrets: ["hunter22"])
        #expect(redactor.redact("pw \u{1B}[31mhunter22\u{1B}[0m!") == "pw \u{1B}[31m********\u{1B}[0m!")
        #expect(redactor.redact("\u{1B}[1;31mhunter22") == "\u{1B}[1;31m********")
        #expect(Array("pw=hunt".utf8).withUnsafeBytes { redactor.partialSecretLength(atEndOf: $0) } == 4)
        #expect(Array("pw=hunter22".utf8).withUnsafeBytes { redactor.partialSecretLength(atEndOf: $0) } == 0)

        // A line longer than the pump's piece, the secret starting 3 bytes before the cut.
        let head = String(repeating: "a", count: OutputPump.maximumLineLength - 4) + " "
        let long = try temporaryFile(head + "hunter22 tail\n")
        defer { close(long) }
        let shown = try pumped(long, secret: "hunter22")
        #expect(shown.contains("******** tail") && !shown.contains("hun"), "\(shown.suffix(40))")

        // Two writes 400 ms apart: the first is flushed as a partial line after 150 ms, but not its last bytes.
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        let writer = fds[1]
        let thread = Thread {
            _ = "pw=hunt".withCString { write(writer, $0, 7) }
            Thread.sleep(forTimeInterval: 0.4)
            _ = "er22 done\n".withCString { write(writer, $0, 10) }
            close(writer)
        }
        thread.start()
        let split = try pumped(fds[0], secret: "hunter22")
        close(fds[0])
        #expect(split.contains("********") && !split.contains("hunt") && !split.contains("er22"), "\(split)")
        #expect(split.hasSuffix("******** done\n"))
    }

    @Test("the server's diagnostics: a read with Error goes line by line, and so does the next while its block is open; then whole reads again; the password masked")
    func diagnosticsAcrossReads() throws {
        let sink = try temporaryFile("")
        defer { close(sink) }
        let console = Console(descriptor: sink, colors: false)
        console.setSecrets(["hunter22"])
        let found = Mutex<[Diagnostic]>([])
        let output = ServerOutput(
            console: console, name: "server", matcher: nil, platform: AltVPlatform(), onDiagnostic: { diagnostic in found.withLock { $0.append(diagnostic) } })
        func read(_ text: String) -> Bool {
            Array(text.utf8).withUnsafeBytes { chunk in
                output.startOfChunk(chunk)
                defer { output.endOfChunk() }
                if output.handle(lines: chunk) { return true }
                for line in chunk.split(separator: UInt8(ascii: "\n")) { output.handle(line: UnsafeRawBufferPointer(rebasing: line)) }
                return false
            }
        }
        #expect(read("plain\n") == true)
        #expect(read("Error: bad password hunter22\n") == false)
        #expect(read("    at node:internal/x:1:2\n    at f (file:///srv/resources/core/server.js:3:7)\n") == false)
        #expect(read("the block ended\n") == false)
        #expect(read("plain again\n") == true)
        output.finished()
        #expect(found.withLock { $0 } == [
            Diagnostic(
                source: "server", resource: "core", file: "/srv/resources/core/server.js", line: 3, column: 7, severity: .error,
                message: "Error: bad password \(Redactor.mask)")
        ])
    }

    @Test("a ready line written in two parts far apart: each part is shown when it comes, the whole line is matched once it ends")
    func readyLineInTwoWrites() throws {
        var fds: [Int32] = [0, 0]
        _ = pipe(&fds)
        let writer = fds[1]
        let sink = try temporaryFile("")
        defer { close(sink) }
        let output = ServerOutput(console: Console(descriptor: sink, colors: false), name: "server", matcher: try ReadyMatcher(pattern: "Server started"), platform: AltVPlatform())
        let thread = Thread {
            _ = "[12:00:00] Loaded resource co".withCString { write(writer, $0, strlen($0)) }
            Thread.sleep(forTimeInterval: 0.4)
            _ = "re\n[12:00:01] Server st".withCString { write(writer, $0, strlen($0)) }
            Thread.sleep(forTimeInterval: 0.4)
            _ = "arted\n".withCString { write(writer, $0, strlen($0)) }
            close(writer)
        }
        thread.start()
        OutputPump.pump(descriptor: fds[0], handler: output)
        close(fds[0])
        #expect(output.ready.current != nil)
        #expect(output.loadedResources.loaded == ["core"])
        lseek(sink, 0, SEEK_SET)
        var bytes = [UInt8](repeating: 0, count: 4096)
        let count = read(sink, &bytes, bytes.count)
        #expect(String(decoding: bytes.prefix(max(0, count)), as: UTF8.self)
            == "[server] [12:00:00] Loaded resource co\n[server] re\n[server] [12:00:01] Server st\n[server] arted\n")
    }
}
