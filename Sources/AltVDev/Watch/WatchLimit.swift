/// The kernel's inotify watch limit, reached: which folders went unwatched, and the words for it.
/// Pure, so the message is tested without filling a real limit.
public enum WatchLimit {
    /// The failed folders that are not inside another failed one, with how many failed folders each holds.
    public static func roots(of failed: [String]) -> [(path: String, folders: Int)] {
        var roots: [(path: String, folders: Int)] = []
        for folder in failed.sorted() {
            if let last = roots.indices.last, folder.hasPrefix(roots[last].path + "/") {
                roots[last].folders += 1
            } else {
                roots.append((folder, 1))
            }
        }
        return roots
    }

    /// Which limit, how many folders were to be watched, the largest subtrees left out; both fixes; what happens meanwhile.
    public static func message(limit: String, watched: Int, roots: [(path: String, folders: Int)], shown: (String) -> String) -> String {
        let unwatched = roots.reduce(0) { $0 + $1.folders }
        // Left out side by side (node_modules' packages, say), they are one subtree to name: their folder.
        var byParent: [(path: String, folders: Int)] = []
        for root in roots {
            let parent = FilePath.parent(root.path)
            if let index = byParent.firstIndex(where: { $0.path == parent }) { byParent[index].folders += root.folders } else { byParent.append((parent, root.folders)) }
        }
        let groups = byParent.map { group in
            roots.filter { FilePath.parent($0.path) == group.path }.count == 1 ? roots.first { FilePath.parent($0.path) == group.path }! : group
        }
        let largest = groups.sorted { $0.folders > $1.folders }.prefix(3).map { "\(shown($0.path)) (\($0.folders))" }.joined(separator: ", ")
        return "inotify watch limit reached (fs.inotify.max_user_watches = \(limit)): \(watched + unwatched) folders were to be watched, "
            + "\(unwatched) are not; the largest left out: \(largest). They are polled instead. Fix: sudo sysctl fs.inotify.max_user_watches=524288, "
            + "and to keep it: echo fs.inotify.max_user_watches=524288 | sudo tee /etc/sysctl.d/60-inotify.conf; "
            + "or add the largest to [watch] ignore."
    }
}
