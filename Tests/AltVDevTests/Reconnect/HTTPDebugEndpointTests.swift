import Foundation
import Glibc
import Testing

@testable import AltVDev

/// A "client" on a loopback port of its own that answers one request with a head and then a body
/// without end, until the other side goes away.
final class EndlessAnswer: @unchecked Sendable {
    let port: Int
    private let listener: Int32
    /// How many body bytes went out before the other side closed.
    let sent = Latch<Int>()

    init() throws {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        self.listener = listener
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        guard bound, listen(listener, 1) == 0 else { throw HarnessFailure("cannot listen") }
        port = Int(UInt16(bigEndian: address.sin_port))
        let sent = sent
        Thread.detachNewThread {
            let connection = accept(listener, nil, nil)
            var request = [UInt8](repeating: 0, count: 4096)
            _ = read(connection, &request, request.count)
            let head = Array("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n".utf8)
            _ = write(connection, head, head.count)
            let chunk = [UInt8](repeating: UInt8(ascii: "A"), count: 16384)
            var total = 0
            // MSG_NOSIGNAL: a closed peer is an error here, not SIGPIPE for the test process.
            while total < 64 << 20 {
                let written = send(connection, chunk, chunk.count, Int32(MSG_NOSIGNAL))
                if written <= 0 { break }
                total += written
            }
            close(connection)
            sent.fulfill(total)
        }
    }

    deinit { close(listener) }
}

struct HarnessFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

@Suite("The debug endpoint over HTTP")
struct HTTPDebugEndpointTests {
    @Test("an answer without end is cut at 64 KiB with an error that says so; nothing grows")
    func endlessAnswer() async throws {
        let server = try EndlessAnswer()
        let endpoint = HTTPDebugEndpoint(baseURL: "http://127.0.0.1:\(server.port)", requestTimeout: .seconds(30))
        do {
            _ = try await endpoint.status()
            Issue.record("an endless answer was taken")
        } catch {
            #expect(error == .answerTooLarge(HTTPDebugEndpoint.answerLimit))
            #expect("\(error)".contains("more than 64 KiB"))
        }
        // The connection was closed well before the 64 MiB the server would have sent.
        let sent = try #require(await server.sent.wait(until: .now + .seconds(30)))
        #expect(sent < 16 << 20, "\(sent) bytes went out")
    }
}
