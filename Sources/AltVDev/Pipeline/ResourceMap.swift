import FoundationEssentials

/// Which resource a path belongs to: the nearest folder below `resourcesDir` that holds one of the
/// platform's manifests (resources may sit in sub-folders), named as the platform names it; else
/// the first folder below it that is no category.
public struct ResourceMap: Sendable {
    public let resourcesDir: String
    private let platform: any ServerPlatform
    private let hasManifest: @Sendable (String) -> Bool
    private let folderExists: @Sendable (String) -> Bool

    public init(
        resourcesDir: String, platform: any ServerPlatform = AltVPlatform(), hasManifest: (@Sendable (String) -> Bool)? = nil,
        folderExists: @escaping @Sendable (String) -> Bool = { FilePath.isDirectory($0) }
    ) {
        self.resourcesDir = resourcesDir
        self.platform = platform
        self.hasManifest = hasManifest ?? { [platform] in platform.hasManifest($0) }
        self.folderExists = folderExists
    }

    /// The resource folder named `name` is gone (deleted or moved away): no manifest and no folder.
    public func isGone(_ name: String) -> Bool {
        let folder = resourcesDir + "/" + name
        if hasManifest(folder) || folderExists(folder) { return false }
        // Named by its path (alt:V), that was its folder; named by its own folder (FXServer), it may lie in a category.
        guard platform.resourceName(ofFolder: "category/" + name) == name else { return true }
        return !ResourceFolders.find(in: resourcesDir, platform: platform).contains { platform.resourceName(ofFolder: $0) == name }
    }

    /// A folder under `directory` holding a manifest: a resource's sources (`src/<name>/`).
    public func isResourceSource(_ folder: String) -> Bool { hasManifest(folder) }

    /// The resource holding the file at `path`; nil when it lies outside every resource folder.
    public func resource(containing path: String) -> String? {
        guard let relative = PathFilter.relative(path, to: resourcesDir) else { return nil }
        return resource(ofFolder: Array(relative.split(separator: "/").dropLast()))
    }

    /// The resource the folder at `path` is, or lies in.
    public func resource(ofFolderAt path: String) -> String? {
        guard let relative = PathFilter.relative(path, to: resourcesDir) else { return nil }
        return resource(ofFolder: Array(relative.split(separator: "/")))
    }

    /// A folder right in the resources folder that appeared or is gone (its files' events name it
    /// too, but its own event has no resource to lie in); nil for a file that is there.
    public func resource(ofTopFolder path: String) -> String? {
        guard let relative = PathFilter.relative(path, to: resourcesDir), !relative.isEmpty, !relative.contains("/") else { return nil }
        // A file that is there (a note beside the resources) is no resource.
        return folderExists(path) || (isGone(relative) && !FileManager.default.fileExists(atPath: path)) ? relative : nil
    }

    /// The resources in the folder's first level (those with a manifest), and in its categories.
    public func resourceNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resourcesDir)) ?? []
        let categories = names.filter(platform.isCategory)
        let nested = categories.flatMap { category in
            ((try? FileManager.default.contentsOfDirectory(atPath: resourcesDir + "/" + category)) ?? []).map { category + "/" + $0 }
        }
        return (names + nested).filter { hasManifest(resourcesDir + "/" + $0) }.map(platform.resourceName(ofFolder:)).sorted()
    }

    private func resource(ofFolder components: [Substring]) -> String? {
        guard !components.isEmpty else { return nil }
        for depth in stride(from: components.count, through: 1, by: -1) {
            let folder = components.prefix(depth).joined(separator: "/")
            if hasManifest(resourcesDir + "/" + folder) { return platform.resourceName(ofFolder: folder) }
        }
        return components.first { !platform.isCategory(String($0)) }.map(String.init)
    }
}
