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

    /// The events written so far, each as a JSON object.
    func events(file: String? = nil) -> [[String: Any]] {
        let text = (try? String(contentsOfFile: file ?? eventsFile, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
    }
}
