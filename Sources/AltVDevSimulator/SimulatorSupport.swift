import AltVDev
import CProcessSpawn
import Glibc

/// What both simulated servers do the same way: take their signals, bind their game port, and sleep.
enum SimulatorSupport {
    /// `handler` on a thread of its own for each of `signals`. The handler is a plain one installed at
    /// once (it writes to a pipe the thread reads): a signal never lands while it is still ignored.
    static func onSignals(_ signals: [Int32], _ handler: @escaping @Sendable () -> Void) {
        let descriptor = altv_signals_to_pipe(signals, Int32(signals.count))
        guard descriptor >= 0 else { return }
        OSThread.start(name: "sim signals") {
            var byte: UInt8 = 0
            while true {
                let count = read(descriptor, &byte, 1)
                if count < 0 && errno == EINTR { continue }
                guard count == 1 else { return }
                handler()
            }
        }
    }

    /// A listening TCP socket on `host:port`, as the real servers bind their game port; nil when taken.
    static func listen(host: String, port: UInt16) -> Int32? {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var yes: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = in_port_t(port.bigEndian)
        address.sin_addr.s_addr = inet_addr(host == "localhost" ? "127.0.0.1" : host)
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0, Glibc.listen(fd, 16) == 0 else {
            close(fd)
            return nil
        }
        return fd
    }

    static func sleep(for duration: Duration) {
        guard duration > .zero else { return }
        var request = timespec(tv_sec: Int(duration.components.seconds), tv_nsec: Int(duration.components.attoseconds / 1_000_000_000))
        var remaining = timespec()
        while nanosleep(&request, &remaining) != 0 && errno == EINTR { request = remaining }
    }
}
