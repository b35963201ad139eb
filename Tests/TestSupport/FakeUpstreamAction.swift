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

    /// A handler that answers every parseable query NOERROR with the records
    /// `records` returns (built with `DNSMessageBuilder.reply`); unparseable
    /// queries are dropped.
    public static func answering(
        _ records: @escaping @Sendable (DNSQuery) -> [ResourceRecord]
    ) -> @Sendable (Request) -> Action {
        return { request in
            guard let query = request.query else { return .drop }
            return .reply(DNSMessageBuilder.reply(to: query, answers: records(query)))
        }
    }
}
