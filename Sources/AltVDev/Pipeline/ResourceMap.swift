import FoundationEssentials

/// Which alt:V resource a path belongs to: the nearest folder below `resourcesDir` that holds a
/// `resource.toml` (resources may sit in sub-folders), else the first folder below it.
public struct ResourceMap: Sendable {
    public let resourcesDir: String
    private let hasManifest: @Sendable (String) -> Bool
    private let folderExists: @Sendable (String) -> Bool

    public init(
        resourcesDir: String, hasManifest: @escaping @Sendable (String) -> Bool = ResourceMap.manifestExists,
        folderExists: @escaping @Sendable (String) -> Bool = { FilePath.isDirectory($0) }
    ) {
        self.resourcesDir = resourcesDir
        self.hasManifest = hasManifest
        self.folderExists = folderExists
    }

    /// The resource folder named `name` is gone (deleted or moved away): no manifest and no folder.
    public func isGone(_ name: String) -> Bool {
        let folder = resourcesDir + "/" + name
        return !hasManifest(folder) && !folderExists(folder)
    }

    /// A folder under `directory` holding a resource.toml: a resource's sources (`src/<name>/`).
    public func isResourceSource(_ folder: String) -> Bool { hasManifest(folder) }

    @Sendable public static func manifestExists(in folder: String) -> Bool {
        FileManager.default.fileExists(atPath: folder + "/resource.toml")
    }

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

    /// The resources in the folder's first level (those with a resource.toml).
    public func resourceNames() -> [String] {
        let names = (try? FileManager.default.contentsOfDirectory(atPath: resourcesDir)) ?? []
        return names.filter { hasManifest(resourcesDir + "/" + $0) }.sorted()
    }

    private func resource(ofFolder components: [Substring]) -> String? {
        guard !components.isEmpty else { return nil }
        for depth in stride(from: components.count, through: 1, by: -1) {
            let name = components.prefix(depth).joined(separator: "/")
            if hasManifest(resourcesDir + "/" + name) { return name }
        }
        return String(components[0])
    }
}
