import NIOCore

/// One upstream DNS server: a numeric address and a port.
public struct UpstreamServer: Hashable, Sendable, CustomStringConvertible {
    /// Numeric IPv4 or IPv6 address ("127.0.0.1", "::1").
    public var address: String
    public var port: Int

    /// A server at `address` (numeric) and `port` (53 by default).
    public init(address: String, port: Int = 53) {
        self.address = address
        self.port = port
    }

    /// "addr:port", or "[v6]:port" for IPv6.
    public var description: String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }

    /// The NIO socket address.
    /// - Throws: when `address` is not a numeric IP address or the port is out of range.
    public func socketAddress() throws -> SocketAddress {
        guard (1...65_535).contains(port) else {
            throw ForwarderConfigError("upstream \(description): port \(port) is out of range 1…65535")
        }
        do {
            return try SocketAddress(ipAddress: address, port: port)
        } catch {
            throw ForwarderConfigError("upstream \(description): '\(address)' is not a numeric IP address")
        }
    }
}
