import NIOCore
import PinholeCore

#if canImport(Glibc)
import Glibc
#endif

/// Why pinholed could not start; `description` is what the operator reads.
public enum StartupError: Error, CustomStringConvertible {
    /// A listen address could not be bound.
    case bind(host: String, port: Int, transport: ClientTransport, error: any Error, configHint: String)

    public var description: String {
        switch self {
        case .bind(let host, let port, let transport, let error, let configHint):
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            if let io = error as? IOError, io.errnoCode == EADDRINUSE {
                let holder = PortHolder.describe(address: host, port: port, transport: transport)
                let who = holder.map { " by \($0)" } ?? " by another process"
                return "\(address) (\(transport.rawValue)) is in use\(who); \(configHint)"
            }
            if let io = error as? IOError, io.errnoCode == EACCES {
                return "cannot bind \(address) (\(transport.rawValue)): permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); \(configHint)"
            }
            if let io = error as? IOError, io.errnoCode == EADDRNOTAVAIL {
                return "cannot bind \(address) (\(transport.rawValue)): no such local address; \(configHint)"
            }
            return "cannot bind \(address) (\(transport.rawValue)): \(error); \(configHint)"
        }
    }
}
