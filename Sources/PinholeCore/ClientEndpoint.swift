/// The address and port a query came from.
public struct ClientEndpoint: Hashable, Sendable, CustomStringConvertible {
    /// Numeric address as text ("127.0.0.1", "::1").
    public var address: String
    public var port: Int

    public init(address: String, port: Int) {
        self.address = address
        self.port = port
    }

    public var description: String {
        address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
