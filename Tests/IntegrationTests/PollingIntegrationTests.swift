import AltVDev
import Foundation
import Glibc
import Testing

/// A bindfs mount over a folder: writes made into the backing folder raise no inotify event in the
/// mount, the same blindness as WSL2's /mnt/c, Docker Desktop bind mounts and network shares.
final class BlindMount: Sendable {
    let backing: String
    let mount: String

    static let available: Bool = FileManager.default.fileExists(atPath: "/dev/fuse")
        && FileManager.default.isExecutableFile(atPath: "/usr/bin/bindfs") && FileManager.default.isExecutableFile(atPath: "/usr/bin/fusermount3")

    private init(over folder: String) {
        mount = folder
        backing = folder + ".backing"
    }

    /// Moves `folder` aside as the backing folder, mounts it back at `folder`, runs `body`, unmounts.
    static func with(over folder: String, _ body: (BlindMount) async throws -> Void) async throws {
        let mount = BlindMount(over: folder)
        try FileManager.default.moveItem(atPath: folder, toPath: mount.backing)
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: false)
        // bindfs leaves its daemon running: its output must not be a pipe read to the end.
        guard await Tool.run(["/usr/bin/bindfs", mount.backing, folder], capture: false).status == 0 else {
            throw HarnessError("bindfs could not mount \(folder)")
        }
        do {
            try await body(mount)
        } catch {
            await mount.unmount()
            throw error
        }
        await mount.unmount()
    }

    func unmount() async {
        if await Tool.run(["/usr/bin/fusermount3", "-u", mount], capture: false).status != 0 {
            await Tool.run(["/usr/bin/fusermount3", "-uz", mount], capture: false)
        }
    }
}

/// A user namespace of its own has its own inotify watch limit (`/proc/sys/user/max_inotify_watches`),
/// writable there: the kernel's real ENOSPC, without touching the machine's limit.
enum UserNamespace {
    static let available: Bool = {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/unshare")
        process.arguments = ["-Ur", "sh", "-c", "echo 5 > /proc/sys/user/max_inotify_watches"]
        guard (try? process.run()) != nil else { return false }
        process.waitUntilExit()
        return process.terminationStatus == 0
    }()

    /// `watches`: how many inotify watches the program run through it may hold.
    static func limited(to watches: Int) -> [String] {
        ["/usr/bin/unshare", "-Ur", "sh", "-c", "echo \(watches) > /proc/sys/user/max_inotify_watches && exec \"$0\" \"$@\""]
    }
}

@Suite("Polling where inotify is blind")
struct PollingIntegrationTests {
    @Test(
        "over the inotify watch limit: the limit and the largest subtrees left out are said with both fixes, and those are polled, not unseen",
        .enabled(if: UserNamespace.available, "needs unprivileged user namespaces (unshare -Ur) to lower the watch limit for one process"))
    func watchLimit() async throws {
        try await withProject { project in
            for index in 0..<40 { project.write("resources/core/big/folder\(index)/file.js", "// \(index)\n") }
            project.writeConfig(watch: ["poll_interval": "\"100ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"], through: UserNamespace.limited(to: 12))
            #expect(await watch.log.wait(for: "inotify watch limit reached (fs.inotify.max_user_watches = "))
            #expect(watch.log.text.contains("are not; the largest left out: resources/core/big ("))
            #expect(watch.log.text.contains("sudo sysctl fs.inotify.max_user_watches=524288") && watch.log.text.contains("/etc/sysctl.d/"))
            #expect(await watch.log.wait(for: ": over the inotify watch limit, polled every 100ms"))
            #expect(await watch.log.wait(for: "✓ #1 start"))
            // A save in a folder inotify could not watch is seen by the poller.
            project.append("resources/core/big/folder39/file.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/big/folder39/file.js"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    /// Root reads every folder; without CAP_DAC_OVERRIDE and CAP_DAC_READ_SEARCH it obeys the mode bits like any user.
    static let withoutOverride = ["/usr/bin/setpriv", "--inh-caps=-dac_override,-dac_read_search", "--bounding-set=-dac_override,-dac_read_search"]

    @Test(
        "a folder that cannot be read is said, and watched once its permissions are fixed: a save in it then restarts",
        .enabled(if: FileManager.default.isExecutableFile(atPath: "/usr/bin/setpriv"), "needs setpriv (util-linux) to drop root's permission override"))
    func unreadableFolderRetried() async throws {
        try await withProject { project in
            project.write("resources/core/locked/deeper/file.js", "// locked\n")
            let locked = project.path("resources/core/locked")
            #expect(chmod(locked, 0) == 0)
            defer { chmod(locked, 0o755) }
            project.writeConfig(reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch"], through: Self.withoutOverride)
            #expect(await watch.log.wait(for: "could not watch 1 folder(s), first: \(locked) (permission denied: watched once it can be read)"))
            #expect(await watch.log.wait(for: "✓ #1 start"))
            #expect(chmod(locked, 0o755) == 0)
            #expect(await watch.log.wait(for: "resources/core/locked can be read now: watching it"))
            // The folders below it are watched too, and making it readable was no change.
            project.append("resources/core/locked/deeper/file.js", "// edit\n")
            #expect(await watch.log.wait(for: "✓ #2 resources/core/locked/deeper/file.js"))
            #expect(watch.log.lines.filter(OutputLog.isVerdict).count == 2)
            await project.stopAndExpectNothingLeft(watch)
        }
    }

    @Test(
        "on a FUSE mount inotify misses writes from the other side; the default backend polls them and restarts",
        .enabled(if: BlindMount.available, "needs /dev/fuse, bindfs and fuse3 (scripts/ensure-deps installs bindfs and fuse3)"))
    func blindMount() async throws {
        try await withProject { project in try await BlindMount.with(over: project.path("resources")) { mount in

            // First, the blindness itself: with inotify only, a write into the backing folder is never seen.
            project.writeConfig(watch: ["backend": "\"inotify\"", "debounce": "\"20ms\""], reconnect: ["enabled": "false"])
            let blind = try project.launch(["watch", "--verbose"])
            #expect(await blind.log.wait(for: "✓ #1"))
            let fd = open(mount.backing + "/chat/server/index.js", O_WRONLY | O_APPEND)
            _ = write(fd, "// from the other side\n", 23)
            close(fd)
            project.append("resources/core/server/index.js", "// marker through the mount\n")
            #expect(await blind.log.wait(for: "modified: resources/core/server/index.js"))
            #expect(blind.log.count(containing: "resources/chat/server/index.js") == 0)
            await project.stopAndExpectNothingLeft(blind)

            // The default backend polls the mount and says so; a write from the other side restarts.
            project.writeConfig(watch: ["poll_interval": "\"100ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "resources is on fuse"))
            #expect(await watch.log.wait(for: ": polled every 100ms"))
            #expect(await watch.log.wait(for: "✓ #1"))
            let other = open(mount.backing + "/chat/server/index.js", O_WRONLY | O_APPEND)
            _ = write(other, "// again from the other side\n", 29)
            close(other)
            #expect(await watch.log.wait(for: "✓ #2 resources/chat/server/index.js ·"))
            // A write through the mount is seen by inotify and by the poller: one cycle, not two.
            project.append("resources/core/server/index.js", "// local\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/core/server/index.js ·"))
            project.append("resources/chat/server/index.js", "// sentinel\n")
            #expect(await watch.log.wait(for: "✓ #4 resources/chat/server/index.js ·"))
            let why = try project.launch(["check", "--why", "resources/core/server/index.js"])
            #expect(await why.waitForExit() == .exited(0))
            #expect(why.log.count(containing: "watched with inotify and polled every 100ms (it is on fuse") == 1)
            await project.stopAndExpectNothingLeft(watch)
        } }
    }

    @Test("backend = \"poll\": editor saves are one cycle each, naming the real file", arguments: EditorSave.allCases.filter { $0 != .realVim })
    func pollEditorSaves(_ editor: EditorSave) async throws {
        try await editor.isOneCycle(watch: ["backend": "\"poll\"", "poll_interval": "\"100ms\""])
    }

    @Test("backend = \"poll\": a new folder, ignored folders, a burst, a watched folder deleted and created again")
    func pollCases() async throws {
        try await withProject { project in
            project.writeConfig(watch: ["backend": "\"poll\"", "poll_interval": "\"100ms\"", "debounce": "\"300ms\""], reconnect: ["enabled": "false"])
            let watch = try project.launch(["watch", "--verbose"])
            #expect(await watch.log.wait(for: "resources: polled every 100ms (backend = \"poll\")"))
            #expect(await watch.log.wait(for: "✓ #1"))
            // A new folder with a file in it, written at once.
            project.write("resources/maps/deep/island.js", "// island\n")
            #expect(await watch.log.wait(for: "created: resources/maps/deep/island.js"))
            #expect(await watch.log.wait(for: "✓ #2"))
            // Ignored: node_modules and logs start nothing; the sentinel after them is the next cycle.
            project.write("resources/core/node_modules/lib/index.js", "x\n")
            project.write("resources/core/server.log", "x\n")
            project.append("resources/chat/server/index.js", "// sentinel\n")
            #expect(await watch.log.wait(for: "✓ #3 resources/chat/server/index.js ·"))
            #expect(watch.log.count(containing: "node_modules") == 0 && watch.log.count(containing: "server.log") == 0)
            // A burst of 30 saves is one cycle.
            for i in 0..<30 { project.append("resources/core/server/index.js", "// \(i)\n") }
            #expect(await watch.log.wait(for: "✓ #4 resources/core/server/index.js ·"))
            project.append("resources/chat/server/index.js", "// sentinel 2\n")
            #expect(await watch.log.wait(for: "✓ #5 resources/chat/server/index.js ·"))
            // The watched folder itself deleted and created again: polled again.
            try FileManager.default.removeItem(atPath: project.path("resources/chat"))
            #expect(await watch.log.wait(for: "removed: resources/chat/server/index.js"))
            project.write("resources/chat/server/index.js", "// back\n")
            #expect(await watch.log.wait(for: "created: resources/chat/server/index.js"))
            await project.stopAndExpectNothingLeft(watch)
        }
    }
}
