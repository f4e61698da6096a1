import Foundation

/// A fresh folder with `resources/core/` and `files` (relative path → content) in it, removed after `body`.
func withTemporaryFolder(_ files: [String: String], _ body: (String) throws -> Void) throws {
    let folder = NSTemporaryDirectory() + "altv-dev-unit-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: folder + "/resources/core", withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: folder) }
    for (name, content) in files {
        let path = folder + "/" + name
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(content.utf8).write(to: URL(fileURLWithPath: path))
    }
    try body(folder)
}
