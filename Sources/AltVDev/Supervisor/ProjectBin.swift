import FoundationEssentials

/// `node_modules/.bin` on a stage's or service's PATH, as `npm run` puts it there: a bare `esbuild`
/// or `tsc` installed in the project (and nowhere else) is found, as in the project's own scripts.
public enum ProjectBin {
    /// The `node_modules/.bin` folders that exist from `cwd` up to `/`, nearest first (npm's order).
    public static func folders(from cwd: String, exists: (String) -> Bool = FilePath.isDirectory) -> [String] {
        var folders: [String] = []
        var folder = FilePath.standardized(cwd)
        while true {
            let bin = FilePath.join(folder, "node_modules/.bin")
            if exists(bin) { folders.append(bin) }
            let parent = FilePath.parent(folder)
            if parent == folder || folder.isEmpty { break }
            folder = parent
        }
        return folders
    }

    /// `environment` with those folders before its PATH (those already on it stay where they are).
    public static func adding(to environment: [String: String], cwd: String, exists: (String) -> Bool = FilePath.isDirectory) -> [String: String] {
        // No PATH at all means the shell's default; it must stay searchable behind the added folders.
        let current = (environment["PATH"] ?? "/usr/local/bin:/usr/bin:/bin").split(separator: ":").map(String.init)
        let added = folders(from: cwd, exists: exists).filter { !current.contains($0) }
        guard !added.isEmpty else { return environment }
        var environment = environment
        environment["PATH"] = (added + current).joined(separator: ":")
        return environment
    }
}
