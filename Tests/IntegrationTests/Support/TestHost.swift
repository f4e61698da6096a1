import Foundation
import Glibc

/// Runs a helper program to its end; for set-up steps, not for the program under test.
enum Tool {
    @discardableResult
    static func run(_ argv: [String]) -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: argv[0])
        process.arguments = Array(argv.dropFirst())
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        do {
            try process.run()
        } catch {
            return (-1, "\(error)")
        }
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
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
    static let available: Bool = {
        guard FileManager.default.isExecutableFile(atPath: ip) else { return false }
        let probe = "altvdev-probe-\(getpid())"
        guard Tool.run([ip, "netns", "add", probe]).status == 0 else { return false }
        Tool.run([ip, "netns", "del", probe])
        return true
    }()

    init() throws {
        let id = String(UInt32.random(in: 0..<0xFFFF), radix: 16)
        let subnet = Int.random(in: 0..<64) * 4
        let third = Int.random(in: 1..<255)
        namespace = "altvdev-\(id)"
        hostInterface = "avd\(id)h"
        let peer = "avd\(id)n"
        localAddress = "10.213.\(third).\(subnet + 1)"
        address = "10.213.\(third).\(subnet + 2)"
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
            let result = Tool.run([Self.ip] + step)
            if result.status != 0 {
                remove()
                throw HarnessError("ip \(step.joined(separator: " ")): \(result.output)")
            }
        }
    }

    /// `argv` as it runs inside the test host.
    func inside(_ argv: [String]) -> [String] { [Self.ip, "netns", "exec", namespace] + argv }

    /// Deleting the namespace deletes its end of the veth pair, and with it ours.
    func remove() {
        Tool.run([Self.ip, "netns", "del", namespace])
        Tool.run([Self.ip, "link", "del", hostInterface])
    }
}
