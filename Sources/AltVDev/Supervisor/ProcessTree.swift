import Glibc

/// The machine's processes as /proc shows them at one moment: whose child each is, and in which
/// group. A child started in a new session (`setsid`, node's `spawn(…, {detached: true})`) leaves
/// its ancestor's process group, so a group signal misses it; its parent link (and, once its
/// parent is gone, the tag in its environment) still ties it to the process altv-dev started.
public struct ProcessTree: Sendable {
    public struct Entry: Equatable, Sendable {
        public var pid: pid_t
        public var parent: pid_t
        public var group: pid_t
        public var isZombie: Bool
    }

    public var entries: [pid_t: Entry]

    public init(_ entries: [Entry]) {
        self.entries = Dictionary(entries.map { ($0.pid, $0) }, uniquingKeysWith: { first, _ in first })
    }

    /// One `/proc/PID/stat` line: `pid (comm) state ppid pgrp …`; the name may hold spaces and
    /// parentheses, so the fields after it are found from its last `)`. Nil for anything else.
    public static func entry<Bytes: Collection<UInt8>>(stat line: Bytes) -> Entry? {
        let bytes = Array(line)
        guard let open = bytes.firstIndex(of: UInt8(ascii: "(")), let close = bytes.lastIndex(of: UInt8(ascii: ")")), open < close,
            let pid = number(bytes[..<open].drop { $0 == UInt8(ascii: " ") }.prefix { $0 != UInt8(ascii: " ") })
        else { return nil }
        let fields = bytes[(close + 1)...].split(separator: UInt8(ascii: " "), maxSplits: 3)
        guard fields.count >= 3, fields[0].count == 1, let parent = number(fields[1]), let group = number(fields[2].prefix { $0 != UInt8(ascii: " ") })
        else { return nil }
        let state = fields[0].first!
        return Entry(pid: pid, parent: parent, group: group, isZombie: state == UInt8(ascii: "Z") || state == UInt8(ascii: "X"))
    }

    /// A decimal number, `-` allowed (a process without a group reads -1 in places): nil for anything else.
    private static func number(_ digits: ArraySlice<UInt8>) -> pid_t? {
        var rest = digits[...]
        let negative = rest.first == UInt8(ascii: "-")
        if negative { rest = rest.dropFirst() }
        guard !rest.isEmpty, rest.count < 10 else { return nil }
        var value: pid_t = 0
        for byte in rest {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { return nil }
            value = value * 10 + pid_t(byte - UInt8(ascii: "0"))
        }
        return negative ? -value : value
    }

    /// Every process now. Each stop reads this, so one buffer serves every `stat` file and the
    /// folder is read relative to its descriptor: no string or array is made per process.
    public static func current() -> ProcessTree {
        var entries: [Entry] = []
        guard let folder = opendir("/proc") else { return ProcessTree([]) }
        defer { closedir(folder) }
        let descriptor = dirfd(folder)
        var buffer = [UInt8](repeating: 0, count: 512)
        while let item = readdir(folder) {
            let opened = withUnsafePointer(to: item.pointee.d_name) { name -> Int32 in
                let raw = UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self)
                guard raw.pointee >= 0x31, raw.pointee <= 0x39 else { return -1 }
                var path: [CChar] = []
                path.reserveCapacity(24)
                var next = raw
                while next.pointee != 0 { path.append(next.pointee); next += 1 }
                path += Array("/stat".utf8CString)
                return openat(descriptor, path, O_RDONLY | O_CLOEXEC)
            }
            guard opened >= 0 else { continue }
            let count = buffer.withUnsafeMutableBytes { Glibc.read(opened, $0.baseAddress, $0.count) }
            close(opened)
            // A stat line is far shorter than the buffer; a name that fills it is cut, and its fields read after the last `)` still.
            if count > 0, let entry = entry(stat: buffer[..<count]) { entries.append(entry) }
        }
        return ProcessTree(entries)
    }

    /// The living processes below `roots` by parent links, and `roots` themselves.
    public func living(below roots: Set<pid_t>) -> Set<pid_t> {
        var children: [pid_t: [pid_t]] = [:]
        for entry in entries.values { children[entry.parent, default: []].append(entry.pid) }
        var found = Set<pid_t>()
        var stack = Array(roots)
        while let pid = stack.popLast() {
            guard found.insert(pid).inserted else { continue }
            stack += children[pid] ?? []
        }
        return found.filter { entries[$0].map { !$0.isZombie } ?? false }
    }

    /// What a process altv-dev started (its group `group`) left outside that group: the living
    /// descendants of the group's members, and of the orphans re-parented to `adopter` (altv-dev,
    /// the subreaper) whose environment carries `tag`.
    public func strays(ofGroup group: pid_t, tag: ProcessTag, adoptedBy adopter: pid_t, environment: (pid_t) -> [UInt8]?) -> Set<pid_t> {
        let members = Set(entries.values.filter { $0.group == group }.map(\.pid))
        let orphans = entries.values.filter { $0.parent == adopter && $0.group != group && !members.contains($0.pid) }
            .filter { orphan in environment(orphan.pid).map(tag.isCarried(by:)) ?? false }
        return living(below: members.union(orphans.map(\.pid))).filter { entries[$0]?.group != group }
    }

    /// True while `pid` exists and is no zombie (a zombie is dead, only not yet reaped).
    public static func isLiving(_ pid: pid_t) -> Bool {
        guard let line = ProcFile.read("/proc/\(pid)/stat", chunk: 1024), let entry = entry(stat: line) else { return false }
        return !entry.isZombie
    }
}

/// The variable altv-dev puts in the environment of each process it starts, naming that start:
/// what a process inherits from it, it keeps when its parent is gone (Jenkins' ProcessTreeKiller
/// finds a build's leftovers the same way). A process that empties its environment is not found by it.
public struct ProcessTag: Equatable, Sendable {
    public static let variable = "ALTV_DEV_TREE"
    public let value: String

    public init(owner: pid_t, serial: Int) {
        value = "\(owner).\(serial)"
    }

    /// The tag of every start by `owner` (the guardian ends them all when altv-dev was killed).
    public static func ofOwner(_ owner: pid_t) -> String { "\(variable)=\(owner)." }

    /// `/proc/PID/environ`'s bytes hold this tag.
    public func isCarried(by environ: [UInt8]) -> Bool {
        let wanted = Array("\(Self.variable)=\(value)".utf8)
        return environ.split(separator: 0).contains { $0.elementsEqual(wanted) }
    }

    /// `/proc/PID/environ`'s bytes hold a tag of `owner`'s.
    public static func isOwned(by owner: pid_t, environ: [UInt8]) -> Bool {
        let prefix = Array(ofOwner(owner).utf8)
        return environ.split(separator: 0).contains { $0.starts(with: prefix) }
    }
}
