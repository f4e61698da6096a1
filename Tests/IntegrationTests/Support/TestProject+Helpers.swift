import Foundation
import Testing

extension TestProject {
    /// Every event line written so far matches `schemas/altv-dev.events.schema.json`, and none holds the password.
    func checkEvents(file: String? = nil) async {
        let file = file ?? eventsFile
        guard let size = (try? FileManager.default.attributesOfItem(atPath: file))?[.size] as? Int, size > 0 else { return }
        let (status, output) = await Tool.run(["/usr/bin/python3", Repository.root + "/scripts/check-events", file, "--absent", password])
        #expect(status == 0, "events that break the schema:\n\(output)")
    }

    /// Runs `altv-dev watch` on the example copied into `example/`, moved onto this project's ports:
    /// the server's `serverPort` (in server.toml and the config) and a free one for the simulated client.
    func watchExample(from example: String, serverPort: Int) throws -> Launched {
        let serverToml = try String(contentsOfFile: example + "/server.toml", encoding: .utf8)
        write("example/server.toml", serverToml.replacingOccurrences(of: "port = \(serverPort)", with: "port = \(self.serverPort)"))
        let config = try String(contentsOfFile: example + "/altv-dev.toml", encoding: .utf8)
        write("example/altv-dev.toml", config.replacingOccurrences(of: "127.0.0.1:\(serverPort)", with: "127.0.0.1:\(self.serverPort)"))
        let path = (Binary.path as NSString).deletingLastPathComponent + ":" + (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin")
        return try launch(
            ["watch", "--config", "example/altv-dev.toml"], environment: ["PATH": path, "CLIENT_PORT": String(try FreePort.find())])
    }

    /// The events written so far, each as a JSON object.
    func events(file: String? = nil) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: file ?? eventsFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}

/// The facts of a finished `watch`, from its event stream rather than its wording.
struct EventFacts {
    let events: [[String: Any]]

    func named(_ name: String) -> [[String: Any]] { events.filter { $0["event"] as? String == name } }

    /// What started each cycle, in order (`start`, `change`, `manual`, `config`, `crash`).
    var triggers: [String] { named("cycle.started").compactMap { $0["trigger"] as? String } }

    /// Each cycle's result (`ok`, `failed`, `cancelled`), in order.
    var results: [String] { named("cycle.finished").compactMap { $0["result"] as? String } }

    /// The cycles a `client.*` event of that name belongs to.
    func cycles(of name: String) -> [Int] { named(name).compactMap { $0["cycle"] as? Int } }
}

extension TestProject {
    /// Stops `watch` (nothing may be left), then reads its events: by then every one is written.
    func stopAndReadEvents(_ watch: Launched, fileID: String = #fileID, filePath: String = #filePath, line: Int = #line, column: Int = #column)
        async -> EventFacts
    {
        await stopAndExpectNothingLeft(watch, fileID: fileID, filePath: filePath, line: line, column: column)
        return EventFacts(events: events())
    }
}
