import Glibc
import Testing

@testable import AltVDev

@Suite("What a process started outside its group")
struct ProcessTreeTests {
    @Test("a /proc stat line is read from the name's last parenthesis; anything else is no entry")
    func statLines() {
        let line = "4242 (node (worker) 2) S 4200 4100 4100 0 -1 4194560 123"
        #expect(ProcessTree.entry(stat: Array(line.utf8)) == ProcessTree.Entry(pid: 4242, parent: 4200, group: 4100, isZombie: false))
        #expect(ProcessTree.entry(stat: Array("7 (sh) Z 1 7 7".utf8))?.isZombie == true)
        for bad in ["", "(sh) S 1 2 3", "12 (sh S 1 2", "12 (sh) S x 2", "12 (sh) S 1", "abc (sh) S 1 2 3"] {
            #expect(ProcessTree.entry(stat: Array(bad.utf8)) == nil, "\(bad)")
        }
    }

    /// altv-dev is 100; the server's group is 200 (leader 200); 300 is altv-dev's other child (a service, its own tag).
    static let tree = ProcessTree([
        .init(pid: 100, parent: 1, group: 100, isZombie: false),
        .init(pid: 200, parent: 100, group: 200, isZombie: false),
        .init(pid: 201, parent: 200, group: 200, isZombie: false),
        // setsid'd by the server's child, and its own child.
        .init(pid: 210, parent: 201, group: 210, isZombie: false),
        .init(pid: 211, parent: 210, group: 210, isZombie: false),
        // Its parent died: re-parented to altv-dev, the subreaper; tagged as the server's.
        .init(pid: 220, parent: 100, group: 220, isZombie: false),
        .init(pid: 221, parent: 220, group: 220, isZombie: true),
        // The service and what it left: another tag.
        .init(pid: 300, parent: 100, group: 300, isZombie: false),
        .init(pid: 310, parent: 100, group: 310, isZombie: false),
    ])

    @Test("the group's descendants outside it and the adopted orphans carrying its tag; not the group, zombies, or another start's")
    func strays() {
        let server = ProcessTag(owner: 100, serial: 1)
        let service = ProcessTag(owner: 100, serial: 2)
        let environments: [pid_t: [UInt8]] = [
            220: Array("PATH=/bin\u{0}ALTV_DEV_TREE=100.1\u{0}".utf8), 310: Array("ALTV_DEV_TREE=100.2\u{0}".utf8),
            300: Array("ALTV_DEV_TREE=100.2\u{0}".utf8),
        ]
        let found = Self.tree.strays(ofGroup: 200, tag: server, adoptedBy: 100) { environments[$0] }
        #expect(found == [210, 211, 220])
        #expect(Self.tree.strays(ofGroup: 300, tag: service, adoptedBy: 100) { environments[$0] } == [310])
        // A tag is the whole value: 100.1 is not 100.10's.
        #expect(!ProcessTag(owner: 100, serial: 10).isCarried(by: environments[220]!))
        #expect(ProcessTag.isOwned(by: 100, environ: environments[310]!))
        #expect(!ProcessTag.isOwned(by: 10, environ: environments[310]!))
    }

    @Test("a teardown ends a real process left outside the group, and says which")
    func teardownEndsStray() async throws {
        var options = ChildProcess.Options(argv: ["/bin/sh", "-c", "setsid sleep 300 & echo $!; wait"])
        options.newSession = true
        let child = try ChildProcess(options)
        // The stray's pid, the first line the child prints.
        let lines = CollectedLines()
        OutputPump.start(descriptor: child.outputDescriptor, name: "test", handler: lines)
        _ = await lines.firstLine.wait()
        let stray = try #require(lines.lines.first.flatMap { pid_t(String(decoding: $0, as: UTF8.self).trimmingWhitespace()) })
        // `$!` is known before the child has called setsid(): until then it is still in the group.
        let deadline = ContinuousClock.now + .seconds(10)
        while ProcessTree.current().entries[stray]?.group != stray, ContinuousClock.now < deadline { try await Task.sleep(for: .milliseconds(5)) }
        #expect(ProcessTree.isLiving(stray) && ProcessTree.current().entries[stray]?.group == stray)
        let group = child.processGroup
        // What the search finds (the pure part is above): the stray, while it lives.
        let report = await Teardown.graceful(signal: SIGTERM, timeout: .seconds(5)).run(on: group, leaderExit: child.exit) {
            ProcessTree.isLiving(stray) ? [stray] : []
        }
        #expect(report.strays == [stray])
        #expect(!ProcessTree.isLiving(stray))
        #expect(!report.survivors)
    }
}
