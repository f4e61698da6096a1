import Glibc
import FoundationEssentials

/// Whether this Linux is WSL2, and what that means for reaching the game client on Windows.
///
/// The paths and the `wslinfo` program are injected, so the detection is testable on machines that are not WSL.
public struct WSLEnvironment: Equatable, Sendable {
    public enum NetworkingMode: String, Equatable, Sendable {
        case mirrored, nat, unknown
    }

    public var networking: NetworkingMode

    public struct Probe: Sendable {
        public var kernelRelease = "/proc/sys/kernel/osrelease"
        public var interop = "/proc/sys/fs/binfmt_misc/WSLInterop"
        /// Newer WSL ships it; prints `nat` or `mirrored` for `--networking-mode`.
        public var wslinfo = "/usr/bin/wslinfo"
        public init() {}
    }

    /// Nil when this is not WSL: the kernel release names Microsoft, or WSL's interop handler is registered.
    public static func detect(_ probe: Probe = Probe()) -> WSLEnvironment? {
        let release = (ProcFile.text(probe.kernelRelease) ?? "").lowercased()
        guard release.contains("microsoft") || FileManager.default.fileExists(atPath: probe.interop) else { return nil }
        return WSLEnvironment(networking: networkingMode(wslinfo: probe.wslinfo))
    }

    static func networkingMode(wslinfo: String) -> NetworkingMode {
        guard FileManager.default.isExecutableFile(atPath: wslinfo) else { return .unknown }
        var options = ChildProcess.Options(argv: [wslinfo, "--networking-mode"])
        options.keepStdinOpen = false
        guard let process = try? ChildProcess(options) else { return .unknown }
        // Its output to the end (it prints one word and exits); the reaper collects its status.
        let output = ProcFile.readAll(process.outputDescriptor)
        close(process.outputDescriptor)
        return NetworkingMode(rawValue: String(decoding: output, as: UTF8.self).trimmingWhitespace().lowercased()) ?? .unknown
    }

    /// What to tell the user about the reconnect from here.
    public func advice(reconnectURL: String) -> String {
        switch networking {
        case .mirrored:
            return "WSL2 in mirrored networking mode: the game client's debug endpoint on Windows is reached at \(reconnectURL) "
                + "(127.0.0.1 only, not the rest of 127.0.0.0/8)"
        case .nat:
            return "WSL2 in NAT networking mode: the game client's debug endpoint listens on Windows' loopback, which WSL cannot reach, "
                + "so the reconnect will not work. Fix: put networkingMode=mirrored under [wsl2] in %USERPROFILE%\\.wslconfig, run "
                + "`wsl --shutdown` and start WSL again; or set [reconnect] enabled = false"
        case .unknown:
            return "WSL2: the game client's debug endpoint on Windows is reachable from here only in mirrored networking mode "
                + "(networkingMode=mirrored under [wsl2] in %USERPROFILE%\\.wslconfig, then `wsl --shutdown`); in the default NAT mode "
                + "the reconnect cannot reach it. Files under /mnt/c are polled: keep the project in the Linux file system for instant saves"
        }
    }
}
