import FoundationEssentials
import Glibc

/// What the doctor finds inside the resources' code: a reconnect of their own, source maps the
/// server is not told to use.
extension AltVDoctor {
    /// A resource that POSTs the client's `/reconnect` itself (altv-typescript's `dbg_reconnect`, the
    /// example pack's `reconnect`): with altv-dev's reconnect on, the client gets two.
    func ownReconnects(_ manifests: [Manifest]) -> [DoctorFinding] {
        guard reconnectEnabled else { return [] }
        return manifests.compactMap { manifest in
            guard let file = Self.codeFiles(in: manifest.folder).first(where: Self.postsReconnect) else { return nil }
            let entry = listed.first { $0.0 == manifest.name }?.1
            return finding(
                entry, in: entry == nil ? manifest.path : serverToml,
                "resource \(manifest.name) reconnects the game client itself (\(shown(file)) calls /reconnect on port 9223): with altv-dev's reconnect the client gets two",
                fix: "remove \"\(manifest.name)\" from resources while you use altv-dev, or set [reconnect] enabled = false in altv-dev.toml")
        }
    }

    /// Source maps beside the built code while `[js-module] source-maps` is off: stack traces point into the bundle.
    func sourceMaps(_ manifests: [Manifest]) -> [DoctorFinding] {
        let jsModule = table["js-module"]
        guard jsModule?.value.table?["source-maps"]?.value.boolean != true else { return [] }
        guard let map = manifests.lazy.compactMap({ Self.codeFiles(in: $0.folder, extensions: [".js.map"]).first }).first else { return [] }
        return [finding(
            jsModule, in: serverToml, "the build writes source maps (\(shown(map))), but [js-module] source-maps is not true: errors point into the built file",
            fix: "add source-maps = true under [js-module] in \(shown(serverToml))")]
    }

    static func postsReconnect(_ file: String) -> Bool {
        // The first 256 KiB: a bundle's own code comes before the libraries it inlines.
        let fd = open(file, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        var bytes = [UInt8](repeating: 0, count: 256 * 1024)
        let count = read(fd, &bytes, bytes.count)
        guard count > 0 else { return false }
        let text = String(decoding: bytes.prefix(count), as: UTF8.self)
        return text.contains("/reconnect") && text.contains("9223")
    }

    /// Code files in a resource folder, a bounded walk: a resource with a node_modules stays cheap.
    static func codeFiles(in folder: String, extensions: [String] = [".js", ".mjs", ".cjs", ".ts"], limit: Int = 200) -> [String] {
        var found: [String] = []
        var folders = [(folder, 0)]
        let manager = FileManager.default
        while let (current, depth) = folders.popLast(), found.count < limit {
            for name in ((try? manager.contentsOfDirectory(atPath: current)) ?? []).sorted() where name != "node_modules" && !name.hasPrefix(".") {
                let path = current + "/" + name
                if FilePath.isDirectory(path) {
                    if depth < 4 { folders.append((path, depth + 1)) }
                } else if extensions.contains(where: { name.hasSuffix($0) }) && !(extensions.contains(".js") && name.hasSuffix(".d.ts")) {
                    found.append(path)
                }
            }
        }
        return found
    }
}
