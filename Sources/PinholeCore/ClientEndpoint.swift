/// The address and port a query came from.
public struct ClientEndpoint: Hashable, Sendable, CustomStringConvertible {
    public var ip: IPAddress
    public var port: Int

    public init(ip: IPAddress, port: Int) {
        self.ip = ip
        self.port = port
    }

    /// From numeric text; an unparsable address becomes 0.0.0.0 (tests and
    /// callers that already hold text use this; listeners pass raw bytes).
    public init(address: String, port: Int) {
        self.init(ip: IPAddress(address) ?? .v4(0), port: port)
    }

    /// Numeric address as text ("127.0.0.1", "::1").
    public var address: String { ip.description }

    public var description: String {
        if case .v6 = ip { return "[\(address)]:\(port)" }
        return "\(address):\(port)"
    }
}
