import CProcessSpawn
import FoundationEssentials
import Glibc

/// A file system inotify cannot see into: writes made by the other side (Windows under WSL2, the
/// host of a Docker bind mount, another machine on a share) raise no event here.
public struct BlindFileSystem: Equatable, Sendable, CustomStringConvertible {
    /// The type as the mount table names it (`9p`, `fuse.sshfs`, `nfs4`), else the magic's name.
    public var type: String
    /// What it usually is, for people.
    public var usually: String

    public var description: String { "\(type) (\(usually))" }

    /// statfs magic numbers of the blind kinds, with what they usually are.
    static let magics: [UInt32: (name: String, usually: String)] = [
        0x0102_1997: ("9p", "a Windows drive under WSL"),
        0x6573_5546: ("fuse", "sshfs, bindfs, Docker Desktop or a VM's shared folder"),
        0x0000_6969: ("nfs", "a network share"),
        0xFF53_4D42: ("cifs", "a Windows network share"),
        0xFE53_4D42: ("smb2", "a Windows network share"),
        0x0000_517B: ("smb", "a Windows network share"),
        0x6A65_6A63: ("virtiofs", "a VM's shared folder"),
        0x786F_4256: ("vboxsf", "a VirtualBox shared folder"),
        0xBACB_ACBC: ("vmhgfs", "a VMware shared folder"),
    ]

    /// The blind kind for a statfs magic; nil for file systems inotify sees (ext4, btrfs, tmpfs, …).
    public static func classify(magic: UInt32, mountType: String? = nil) -> BlindFileSystem? {
        guard let known = magics[magic] else { return nil }
        return BlindFileSystem(type: mountType ?? known.name, usually: known.usually)
    }

    /// The file system `path` lies on, when inotify is blind to it.
    public static func of(_ path: String, mountInfo: String = "/proc/self/mountinfo") -> BlindFileSystem? {
        let type = altv_file_system_type(path)
        guard type != 0 else { return nil }
        let magic = UInt32(truncatingIfNeeded: type)
        guard magics[magic] != nil else { return nil }
        return classify(magic: magic, mountType: MountTable.type(of: path, mountInfo: mountInfo))
    }
}

/// The mount table, for the type name of the mount a path lies in.
enum MountTable {
    /// The file system type of the deepest mount point containing `path` (`fuse.bindfs`, `9p`).
    static func type(of path: String, mountInfo: String) -> String? {
        guard let text = ProcFile.text(mountInfo) else { return nil }
        return type(of: path, table: text)
    }

    /// mountinfo lines: `id parent major:minor root mountpoint options … - fstype source superoptions`.
    static func type(of path: String, table: String) -> String? {
        var best: (point: String, type: String)?
        for line in table.split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: false)
            guard fields.count > 5, let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count else { continue }
            let point = unescape(String(fields[4]))
            let inside = point == "/" || path == point || path.hasPrefix(point + "/")
            if inside, point.count >= (best?.point.count ?? -1) { best = (point, String(fields[dash + 1])) }
        }
        return best?.type
    }

    /// mountinfo writes space, tab, newline and backslash as octal escapes (`\040`).
    static func unescape(_ field: String) -> String {
        guard field.contains("\\") else { return field }
        var bytes: [UInt8] = []
        var utf8 = Array(field.utf8)[...]
        while let byte = utf8.popFirst() {
            if byte == UInt8(ascii: "\\"), utf8.count >= 3, let value = UInt8(String(decoding: utf8.prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                utf8 = utf8.dropFirst(3)
            } else {
                bytes.append(byte)
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
