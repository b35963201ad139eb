import NIOCore
import PinholeCore
import Reactor

/// Why pinholed could not start; `description` is what the operator reads.
public enum StartupError: Error, CustomStringConvertible {
    /// A listen address could not be bound; `error` is NIO's `IOError`
    /// (TCP) or the reactor's `SystemCallError` (UDP), both carrying errno.
    case bind(address: SocketAddressText, transport: ClientTransport, error: any Error, configPath: String)
    /// nftables refused the enforcement table.
    case enforcement(any Error)
    /// The governed set could not be adopted or the cgroup2 tree not watched.
    case governing(any Error)
    /// The policy files have errors (all of them, with file:line).
    case policy(PolicyLoadError)
    /// Attribution is on but the kernel's socket table cannot be asked.
    case attribution(error: any Error, configPath: String)

    public var description: String {
        switch self {
        case .bind(let address, let transport, let error, let configPath):
            return PortHolder.bindErrorMessage(
                address: address, transport: transport, errno: Self.errno(of: error), detail: "\(error)",
                configPath: configPath)
        case .policy(let error):
            return "\(error)"
        case .enforcement(let error):
            return "cannot build the nftables table inet pinhole: \(error)\n"
                + "  pinholed needs CAP_NET_ADMIN for [enforcement]; set `enabled = false` under [enforcement] to run without it"
        case .governing(let error):
            return "cannot govern cgroups as they appear: \(error)\n"
                + "  pinholed needs the cgroup2 tree (inotify on /sys/fs/cgroup) and the table inet pinhole for [enforcement]"
        case .attribution(let error, let configPath):
            return "cannot attribute queries to processes: \(error)\n"
                + "  pinholed needs NETLINK_SOCK_DIAG (and root or CAP_SYS_PTRACE to read other users' /proc/PID/fd);\n"
                + "  to run without attribution, set `enabled = false` under [attribution] in \(configPath)"
        }
    }

    /// The errno a bind error carries, if it is one of the errno-carrying kinds.
    private static func errno(of error: any Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let call = error as? SystemCallError { return call.errno }
        return nil
    }
}
