import DNSWire

extension FakeUpstream {
    /// What the fake server does with one query.
    public enum Action: Sendable {
        /// Send these bytes as the reply.
        case reply([UInt8])
        /// Send several messages in order (e.g. a wrong-ID one, then the right one).
        case replies([[UInt8]])
        /// Send these bytes after a delay (other queries are served meanwhile).
        case delayed(milliseconds: Int, [UInt8])
        /// Say nothing.
        case drop
        /// TCP: close the connection without answering (UDP: same as `.drop`).
        case closeConnection
    }
}
