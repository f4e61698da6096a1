import Foundation
import Testing

@testable import AltVDev

@Suite("Polling: snapshots, blind file systems, WSL")
struct PollingTests {
    /// A temp tree for the poller, removed afterwards.
    func withTree(_ files: [String], _ body: (String) throws -> Void) throws {
        let root = NSTemporaryDirectory() + "altv-dev-sweep-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: root) }
        for file in files { try write(root + "/" + file, "x") }
        try body(root)
    }

    func write(_ path: String, _ text: String) throws {
        try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(text.utf8).write(to: URL(fileURLWithPath: path))
    }

    @Test("sweeps read as inotify's events: created, modified, removed, a rename as both; folders when they come or go")
    func differences() throws {
        try withTree(["core/a.js", "core/b.js", "core/gone.js", "chat/c.js"]) { root in
            let tree = PolledTree(roots: [root], filter: PathFilter(base: root, patterns: [], source: "test"))
            #expect(tree.sweep().isEmpty)  // the baseline
            #expect(tree.fileCount == 4)
            try write(root + "/core/b.js", "changed, and longer")
            try write(root + "/maps/island/i.js", "new")
            try FileManager.default.removeItem(atPath: root + "/core/gone.js")
            try FileManager.default.moveItem(atPath: root + "/core/a.js", toPath: root + "/core/a2.js")
            #expect(tree.sweep() == [
                FileEvent(path: root + "/core/a.js", kind: .removed), FileEvent(path: root + "/core/a2.js", kind: .created),
                FileEvent(path: root + "/core/b.js", kind: .modified), FileEvent(path: root + "/core/gone.js", kind: .removed),
                FileEvent(path: root + "/maps", kind: .created, isDirectory: true),
                FileEvent(path: root + "/maps/island", kind: .created, isDirectory: true),
                FileEvent(path: root + "/maps/island/i.js", kind: .created),
            ])
            #expect(tree.sweep().isEmpty)
            try FileManager.default.removeItem(atPath: root + "/chat")
            #expect(tree.sweep() == [FileEvent(path: root + "/chat", kind: .removed, isDirectory: true), FileEvent(path: root + "/chat/c.js", kind: .removed)])
        }
    }

    @Test("a sweep applies the ignore rules and walks a symlink loop once")
    func sweep() throws {
        try withTree(["core/a.js", "core/node_modules/x/y.js", "core/debug.log", "chat/b.js"]) { root in
            try FileManager.default.createSymbolicLink(atPath: root + "/core/loop", withDestinationPath: "..")
            let tree = PolledTree(roots: [root], filter: PathFilter(base: root, patterns: ["node_modules/", "*.log"], source: "test"))
            #expect(tree.sweep().isEmpty)
            #expect(tree.fileCount == 2)
            try write(root + "/core/node_modules/x/z.js", "ignored")
            try write(root + "/core/more.log", "ignored")
            #expect(tree.sweep().isEmpty)
            #expect(PolledTree(roots: [root + "/missing"], filter: PathFilter(base: root, patterns: [], source: "test")).sweep().isEmpty)
        }
    }

    @Test("file systems inotify is blind to are known by their magic; the rest are not", arguments: [
        (UInt32(0x0102_1997), "9p"), (0x6573_5546, "fuse"), (0x6969, "nfs"), (0xFF53_4D42, "cifs"), (0xFE53_4D42, "smb2"), (0x6A65_6A63, "virtiofs"),
    ])
    func blindKinds(_ magic: UInt32, _ name: String) {
        #expect(BlindFileSystem.classify(magic: magic)?.type == name)
    }

    @Test("ext4, btrfs, xfs, tmpfs and overlayfs are seen by inotify")
    func seeingKinds() {
        for magic: UInt32 in [0xEF53, 0x9123_683E, 0x5846_5342, 0x0102_1994, 0x794C_7630] {
            #expect(BlindFileSystem.classify(magic: magic) == nil)
        }
        #expect(BlindFileSystem.of(NSTemporaryDirectory()) == nil)
    }

    @Test("the mount table names the deepest mount holding a path, escapes read")
    func mountTable() {
        let table = """
            22 1 0:21 / / rw - ext4 /dev/sda1 rw
            40 22 0:45 / /mnt/c rw,noatime - 9p drvfs rw
            41 22 0:46 / /srv/with\\040space rw - fuse.sshfs me@host: rw
            """
        #expect(MountTable.type(of: "/mnt/c/Users/me/server/resources", table: table) == "9p")
        #expect(MountTable.type(of: "/mnt/cd", table: table) == "ext4")
        #expect(MountTable.type(of: "/srv/with space/resources", table: table) == "fuse.sshfs")
    }

    /// A probe over files in a temp folder: a kernel release, maybe the interop file, maybe a `wslinfo`.
    func withProbe(release: String, interop: Bool, wslinfo: String?, _ body: (WSLEnvironment.Probe) -> Void) throws {
        let folder = NSTemporaryDirectory() + "altv-dev-wsl-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: folder) }
        var probe = WSLEnvironment.Probe()
        probe.kernelRelease = folder + "/osrelease"
        probe.interop = folder + "/WSLInterop"
        probe.wslinfo = folder + "/wslinfo"
        try Data((release + "\n").utf8).write(to: URL(fileURLWithPath: probe.kernelRelease))
        if interop { try Data("enabled\n".utf8).write(to: URL(fileURLWithPath: probe.interop)) }
        if let wslinfo {
            try Data("#!/bin/sh\necho \(wslinfo)\n".utf8).write(to: URL(fileURLWithPath: probe.wslinfo))
            chmod(probe.wslinfo, 0o755)
        }
        body(probe)
    }

    @Test("WSL is found by its kernel release or its interop handler, with the networking mode from wslinfo")
    func wslDetection() throws {
        try withProbe(release: "6.6.87.2-microsoft-standard-WSL2", interop: false, wslinfo: "mirrored") { probe in
            #expect(WSLEnvironment.detect(probe) == WSLEnvironment(networking: .mirrored))
        }
        try withProbe(release: "5.15.0", interop: true, wslinfo: "nat") { probe in
            #expect(WSLEnvironment.detect(probe) == WSLEnvironment(networking: .nat))
        }
        try withProbe(release: "5.15.153.1-microsoft-standard-WSL2", interop: true, wslinfo: nil) { probe in
            #expect(WSLEnvironment.detect(probe) == WSLEnvironment(networking: .unknown))
        }
        try withProbe(release: "6.1.0-28-amd64", interop: false, wslinfo: "mirrored") { probe in
            #expect(WSLEnvironment.detect(probe) == nil)
        }
    }

    @Test("what WSL2 means for the reconnect, in each networking mode")
    func wslAdvice() {
        let url = "http://127.0.0.1:9223"
        #expect(WSLEnvironment(networking: .mirrored).advice(reconnectURL: url).hasPrefix("WSL2 in mirrored networking mode: the game client's debug endpoint on Windows is reached at http://127.0.0.1:9223"))
        let nat = WSLEnvironment(networking: .nat).advice(reconnectURL: url)
        #expect(nat.contains("cannot reach") && nat.contains("networkingMode=mirrored under [wsl2]") && nat.contains("wsl --shutdown"))
        #expect(WSLEnvironment(networking: .unknown).advice(reconnectURL: url).contains("only in mirrored networking mode"))
    }
}

@Suite("Ignore rules inside a walk")
struct WalkIgnoreTests {
    @Test("an entry of a folder the walk entered gets the same verdict with its own rules only")
    func entryVerdicts() {
        let filter = PathFilter(base: "/p", patterns: ["node_modules/", "*.log", "!keep.log", "/resources/core/dist/", "**/build", "a/**/b"], source: "test")
        let paths = [
            "/p/resources/core/index.js", "/p/resources/core/node_modules", "/p/resources/x.log", "/p/resources/keep.log",
            "/p/resources/core/dist", "/p/resources/core/sub/dist", "/p/x/build", "/p/a/x/b", "/p/a/x/c", "/p/resources/.a.swp",
            "/p/resources/core/4913", "/p/resources/core/index.js~", "/p/.git", "/p/resources/#x#",
        ]
        for path in paths {
            let parents = sequence(first: (path as NSString).deletingLastPathComponent) { $0 == "/p" ? nil : ($0 as NSString).deletingLastPathComponent }
            guard !parents.contains(where: { filter.isIgnored($0, isDirectory: true) }) else { continue }
            for isDirectory in [false, true] {
                #expect(filter.isIgnoredEntry(path, isDirectory: isDirectory) == filter.isIgnored(path, isDirectory: isDirectory), "\(path)")
            }
        }
    }
}
