import NIOCore
import PinholeCore
import Reactor

#if canImport(Glibc)
import Glibc
#endif

/// Why pinholed could not start; `description` is what the operator reads.
public enum StartupError: Error, CustomStringConvertible {
    /// A listen address could not be bound; `error` is NIO's `IOError`
    /// (TCP) or the reactor's `SystemCallError` (UDP), both carrying errno.
    case bind(host: String, port: Int, transport: ClientTransport, error: any Error, configHint: String)

    public var description: String {
        switch self {
        case .bind(let host, let port, let transport, let error, let configHint):
            let address = host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)"
            let code = Self.errno(of: error)
            if code == EADDRINUSE {
                let holder = PortHolder.describe(address: host, port: port, transport: transport)
                let who = holder.map { " by \($0)" } ?? " by another process"
                return "\(address) (\(transport.rawValue)) is in use\(who); \(configHint)"
            }
            if code == EACCES {
                return "cannot bind \(address) (\(transport.rawValue)): permission denied (ports below 1024 need root or CAP_NET_BIND_SERVICE); \(configHint)"
            }
            if code == EADDRNOTAVAIL {
                return "cannot bind \(address) (\(transport.rawValue)): no such local address; \(configHint)"
            }
            return "cannot bind \(address) (\(transport.rawValue)): \(error); \(configHint)"
        }
    }

    /// The errno a bind error carries, if it is one of the errno-carrying kinds.
    private static func errno(of error: any Error) -> Int32? {
        if let io = error as? IOError { return io.errnoCode }
        if let call = error as? SystemCallError { return call.errno }
        return nil
    }
}
