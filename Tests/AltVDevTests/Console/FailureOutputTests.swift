import Glibc
import Testing

@testable import AltVDev

/// A failure's last lines, quoted under its verdict only when they are not what the screen shows
/// right above it: its output is shown once.
@Suite("A failure's output, shown once")
struct FailureOutputTests {
    /// The console writes into a pipe; what it wrote is read back after each step.
    final class Screen {
        let console: Console
        let narrator: Narrator
        private let reader: Int32
        private let writer: Int32

        init() throws {
            var ends: [Int32] = [0, 0]
            try #require(pipe(&ends) == 0)
            (reader, writer) = (ends[0], ends[1])
            _ = fcntl(reader, F_SETFL, fcntl(reader, F_GETFL) | O_NONBLOCK)
            console = Console(descriptor: writer, colors: false)
            narrator = Narrator(console: console, directory: "/p")
        }

        deinit {
            close(reader)
            close(writer)
        }

        /// Everything written since the last call.
        func written() -> String {
            var bytes: [UInt8] = []
            var buffer = [UInt8](repeating: 0, count: 4096)
            while true {
                let count = Glibc.read(reader, &buffer, buffer.count)
                guard count > 0 else { break }
                bytes += buffer.prefix(count)
            }
            return String(decoding: bytes, as: UTF8.self)
        }
    }

    static let failed = StageResult(
        name: "build", duration: .seconds(1), outcome: .failed(.exited(2)), lastLines: ["src/a.ts(1,1): error TS2322: nope"])

    @Test("a stage's output right above its failure is not quoted again")
    func rightAbove() throws {
        let screen = try Screen()
        screen.console.write(raw: Array("[build] src/a.ts(1,1): error TS2322: nope\n".utf8), from: "build")
        screen.narrator.tell(.stageFinished(cycle: 2, result: Self.failed))
        let shown = screen.written()
        #expect(shown.components(separatedBy: "error TS2322").count == 2, "\(shown)")
        #expect(shown.contains("[altv-dev] error: stage build exited with status 2 after 1.00s\n"))
        #expect(!shown.contains("last lines"))
    }

    @Test("with other lines between (the server's, more than two of altv-dev's own) the last lines are quoted under the verdict")
    func otherLinesBetween() throws {
        for between in ["server", nil] as [String?] {
            let screen = try Screen()
            screen.console.write(raw: Array("[build] src/a.ts(1,1): error TS2322: nope\n".utf8), from: "build")
            if let between {
                screen.console.write(raw: Array("[\(between)] a line of its own\n".utf8), from: between)
            } else {
                for index in 0...Console.ownLinesBetween { screen.console.say("a line of altv-dev's, \(index)") }
            }
            screen.narrator.tell(.stageFinished(cycle: 2, result: Self.failed))
            #expect(screen.written().hasSuffix("; last lines:\n      │ src/a.ts(1,1): error TS2322: nope\n"), "\(String(describing: between))")
        }
    }

    @Test("a line or two of altv-dev's own between (a crash's ✗ verdict before its exit is said) still leave the output right above")
    func ownLinesBetween() throws {
        let screen = try Screen()
        screen.console.write(raw: Array("[server] Aborted (core dumped)\n".utf8), from: "server")
        screen.console.say("✗ #1 start · server killed by SIGABRT before it was ready")
        screen.narrator.tell(.serverExited(pid: 1, status: .signaled(SIGABRT), uptime: .seconds(1), lastLines: ["Aborted (core dumped)"], then: .waitForChange))
        #expect(!screen.written().contains("│"))
    }

    @Test("the server's and a service's exits follow the same rule")
    func serverAndService() throws {
        let screen = try Screen()
        screen.console.write(raw: Array("[server] Segmentation fault\n".utf8), from: "server")
        screen.narrator.tell(.serverExited(pid: 1, status: .signaled(SIGSEGV), uptime: .seconds(2), lastLines: ["Segmentation fault"], then: .waitForChange))
        #expect(!screen.written().contains("│"))
        screen.console.write(raw: Array("[web] listen EADDRINUSE\n".utf8), from: "web")
        screen.console.write(raw: Array("[server] a line\n".utf8), from: "server")
        screen.narrator.tell(.serviceExited(service: "web", pid: 2, status: .exited(1), uptime: .seconds(1), lastLines: ["listen EADDRINUSE"]))
        #expect(screen.written().contains("│ listen EADDRINUSE"))
    }
}
