import DNSWire

extension FakeUpstream {
    /// How a query reached the fake server.
    public enum Transport: String, Sendable, Hashable {
        case udp
        case tcp
    }

    /// One query as the fake server received it.
    public struct Request: Sendable {
        /// The message bytes (for TCP without the 2-byte length prefix).
        public let wire: [UInt8]
        public let transport: Transport
        /// The query, parsed; nil when `DNSQuery.parse` rejected the bytes.
        public let query: DNSQuery?
        /// The sender's address and port (for UDP, where a reply must go).
        public let peer: PosixSocketAddress

        public init(wire: [UInt8], transport: Transport, query: DNSQuery?, peer: PosixSocketAddress) {
            self.wire = wire
            self.transport = transport
            self.query = query
            self.peer = peer
        }
    }
}
