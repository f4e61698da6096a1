import Foundation
import Glibc
import Testing

/// The password goes only to loopback addresses unless the user allowed otherwise, whichever way
/// the URL arrives. The "other machine" is a test host in a network namespace this test makes.
@Suite("The password stays on this machine", .enabled("needs root and `ip netns` (iproute2) to make a test host") { await TestHost.canBeMade() })
struct RemoteEndpointTests {
    @Test("--url, status --url, the config and a hot reload all refuse a non-loopback client without consent")
    func refusedEverywhere() async throws {
        try await TestHost.with { host in try await withProject { project in
            let (client, url) = try await project.startClient(on: host)
            #expect(url.contains(host.address))

            // Without consent: refused before anything is sent, with the same message and fix.
            let reconnect = try project.launch(["reconnect", "--url", url, "--timeout", "3s"])
            #expect(await reconnect.waitForExit() == .exited(2))
            #expect(reconnect.log.count(containing: "\(host.address) is not a loopback address: the password would travel to another machine") == 1)
            #expect(reconnect.log.count(containing: "fix: use 127.0.0.1, or allow it") == 1)
            let status = try project.launch(["status", "--url", url])
            #expect(await status.waitForExit() == .exited(2))
            #expect(status.log.count(containing: "is not a loopback address") == 1)

            project.writeConfig(reconnectURL: url)
            let fromConfig = try project.launch(["reconnect", "--timeout", "3s"])
            #expect(await fromConfig.waitForExit() == .exited(2))
            #expect(fromConfig.log.count(containing: "altv-dev.toml:") == 1)
            #expect(fromConfig.log.count(containing: "reconnect.url: \(host.address) is not a loopback address") == 1)
            let watch = try project.launch(["watch"])
            #expect(await watch.waitForExit() == .exited(2))
            #expect(watch.log.count(containing: "is not a loopback address") == 1)

            // A hot reload to the remote URL is rejected and the loopback one kept.
            let (localClient, localURL) = try await project.startClient()
            project.writeConfig(reconnectURL: localURL)
            let running = try project.launch(["watch"])
            #expect(await running.log.wait(for: "✓ #1"))
            project.writeConfig(reconnectURL: url)
            #expect(await running.log.wait(for: "reconnect.url: \(host.address) is not a loopback address"))
            #expect(running.log.count(containing: "config not applied, keeping the last good one") == 1)
            project.append("resources/core/server/index.js", "// after the refused reload\n")
            #expect(await running.log.wait(for: "✓ #2"))
            #expect(await localClient.log.wait(for: "reconnect requested (password given)", count: 2))
            await project.stopAndExpectNothingLeft(running)

            // Nothing reached the test host.
            #expect(client.log.count(containing: "reconnect requested") == 0, "\(client.log.text)")
        } }
    }

    @Test("--allow-remote (or allow_remote = true) sends it, so the refusal above was the rule and not the network")
    func allowedWithConsent() async throws {
        try await TestHost.with { host in try await withProject { project in
            let (client, url) = try await project.startClient(on: host)
            project.writeConfig()  // the password comes from server.toml through it
            let status = try project.launch(["status", "--url", url, "--allow-remote"])
            #expect(await status.waitForExit() == .exited(0))
            #expect(status.log.lines == ["MAIN_MENU"])
            let reconnect = try project.launch(["reconnect", "--url", url, "--allow-remote", "--timeout", "5s"])
            #expect(await reconnect.waitForExit() == .exited(0), "\(reconnect.log.text)")
            #expect(await client.log.wait(for: "reconnect requested (password given)"))

            project.writeConfig(reconnectURL: url, reconnect: ["allow_remote": "true"])
            let fromConfig = try project.launch(["reconnect", "--timeout", "5s"])
            #expect(await fromConfig.waitForExit() == .exited(0), "\(fromConfig.log.text)")
            #expect(await client.log.wait(for: "reconnect requested (password given)", count: 2))
            #expect(!reconnect.log.text.contains(project.password) && !fromConfig.log.text.contains(project.password))
        } }
    }
}
