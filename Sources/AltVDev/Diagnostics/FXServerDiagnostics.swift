/// FXServer's problems (`shared/fivem/README.md` §2), one line at a time, escapes stripped: a Lua
/// error in a handler (`SCRIPT ERROR: @res/server.lua:3: message`), a JS one (`SCRIPT ERROR in
/// handler: …`, no place), and a script that did not parse or load (`Error parsing script
/// @res/server.lua in resource res: @res/server.lua:5: '=' expected near 'x'`). `@res/path` is
/// placed in that resource's folder.
struct FXServerDiagnostics: Sendable {
    /// A resource's folder (absolute) by its name.
    let folder: @Sendable (String) -> String?

    func read(_ line: String) -> [Diagnostic] {
        let message = FXServerPlatform.message(line)
        if message.hasPrefix("SCRIPT ERROR: ") {
            return [placed(String(message.dropFirst("SCRIPT ERROR: ".count)), resource: nil)]
        }
        if message.hasPrefix("SCRIPT ERROR in ") {
            return [Diagnostic(source: "server", severity: .error, message: String(message))]
        }
        for marker in ["Error parsing script ", "Error loading script "] where message.hasPrefix(marker) {
            guard let within = message.firstRange(of: " in resource "), let colon = message[within.upperBound...].firstRange(of: ": ") else { continue }
            let resource = String(message[within.upperBound..<colon.lowerBound])
            let detail = String(message[colon.upperBound...])
            // Lua says where (`@res/file.lua:5: …`); Node's parse error says only what.
            if detail.hasPrefix("@") { return [placed(detail, resource: resource)] }
            let script = String(message[message.index(message.startIndex, offsetBy: marker.count)..<within.lowerBound])
            return [Diagnostic(source: "server", resource: resource, severity: .error, message: "\(script): \(detail)")]
        }
        return []
    }

    /// `@res/path.lua:3: message` at its file and line (column 1: Lua names none); as printed when it does not read so.
    private func placed(_ text: String, resource fallback: String?) -> Diagnostic {
        let parts = text.split(separator: ":", maxSplits: 2, omittingEmptySubsequences: false)
        guard parts.count == 3, parts[0].hasPrefix("@"), let slash = parts[0].firstIndex(of: "/"), let line = Int(parts[1]), line >= 1 else {
            return Diagnostic(source: "server", resource: fallback, severity: .error, message: text)
        }
        let resource = String(parts[0][parts[0].index(after: parts[0].startIndex)..<slash])
        let path = String(parts[0][parts[0].index(after: slash)...])
        let message = parts[2].trimmingWhitespace()
        guard !resource.isEmpty, !path.isEmpty, let folder = folder(resource) else {
            return Diagnostic(source: "server", resource: resource.isEmpty ? fallback : resource, severity: .error, message: text)
        }
        return Diagnostic(source: "server", resource: resource, file: folder + "/" + path, line: line, column: 1, severity: .error, message: message.isEmpty ? text : message)
    }
}
