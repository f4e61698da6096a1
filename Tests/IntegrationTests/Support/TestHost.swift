import AltVDev
import Foundation
import Glibc

/// Runs a helper program to its end; for set-up steps, not for the program under test.
///
/// Through altv-dev's own process layer, never Foundation's `Process`: this test process is a
/// child subreaper whose reaper thread waits for every child, so `Process` would never see its
/// child exit.
enum Tool {
    /// Without `capture`, the output goes nowhere: a program that leaves a daemon behind (bindfs)
    /// would hold a pipe open for ever.
    @discardableResult
    static func run(_ argv: [String], capture: Bool = true) async -> (status: Int32, output: String) {
        func code(_ status: ExitStatus?) -> Int32 {
            if case .exited(let code)? = status { return code }
            return -1
        }
        if capture {
            guard let launched = try? Launched(argv, cwd: "/", environment: ProcessInfo.processInfo.environment) else {
                return (-1, "cannot start \(argv[0])")
            }
            let status = await launched.waitForExit(timeout: .seconds(30))
            return (code(status), launched.log.text)
        }
        guard let process = try? ChildProcess(.init(argv: argv, cwd: "/")) else { return (-1, "cannot start \(argv[0])") }
        close(process.outputDescriptor)
        process.closeInput()
        return (code(await process.exit.wait(timeout: .seconds(30))), "")
    }
}

/// Another machine for tests that must reach "not this machine": a network namespace joined to
/// this one by a veth pair, with its own private address. Only ever this test's own namespace.
final class TestHost: Sendable {
    static let ip = "/usr/sbin/ip"

    let namespace: String
    /// This machine's end of the link, and the test host's address.
    let localAddress: String
    let address: String
    private let hostInterface: String

    /// Whether namespaces can be made here (root with CAP_NET_ADMIN and iproute2).
    static func canBeMade() async -> Bool {
        guard FileManager.default.isExecutableFile(atPath: ip) else { return false }
        let probe = "altvdev-probe-\(getpid())-\(UInt16.random(in: 0...UInt16.max))"
        guard await Tool.run([ip, "netns", "add", probe]).status == 0 else { return false }
        await Tool.run([ip, "netns", "del", probe])
        return true
    }

    private init() {
        let id = String(UInt32.random(in: 0..<0xFFFF), radix: 16)
        let subnet = Int.random(in: 0..<64) * 4
        let third = Int.random(in: 1..<255)
        namespace = "altvdev-\(id)"
        hostInterface = "avd\(id)h"
        localAddress = "10.213.\(third).\(subnet + 1)"
        address = "10.213.\(third).\(subnet + 2)"
    }

    /// Makes a test host, runs `body` with it and removes it, whatever happened.
    static func with(_ body: (TestHost) async throws -> Void) async throws {
        let host = TestHost()
        do {
            try await host.create()
            try await body(host)
        } catch {
            await host.remove()
            throw error
        }
        await host.remove()
    }

    private func create() async throws {
        let peer = "avd" + hostInterface.dropFirst(3).dropLast() + "n"
        let steps: [[String]] = [
            ["netns", "add", namespace],
            ["link", "add", hostInterface, "type", "veth", "peer", "name", peer],
            ["link", "set", peer, "netns", namespace],
            ["addr", "add", "\(localAddress)/30", "dev", hostInterface],
            ["link", "set", hostInterface, "up"],
            ["netns", "exec", namespace, Self.ip, "addr", "add", "\(address)/30", "dev", peer],
            ["netns", "exec", namespace, Self.ip, "link", "set", peer, "up"],
            ["netns", "exec", namespace, Self.ip, "link", "set", "lo", "up"],
        ]
        for step in steps {
            let result = await Tool.run([Self.ip] + step)
            if result.status != 0 { throw HarnessError("ip \(step.joined(separator: " ")): \(result.output)") }
        }
    }

    /// `argv` as it runs inside the test host.
    func inside(_ argv: [String]) -> [String] { [Self.ip, "netns", "exec", namespace] + argv }

    /// Deleting the namespace deletes its end of the veth pair, and with it ours.
    func remove() async {
        await Tool.run([Self.ip, "netns", "del", namespace])
        await Tool.run([Self.ip, "link", "del", hostInterface])
    }
}
