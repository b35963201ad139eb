import DNSWire

/// The answer to one query, ready to send (its ID is the client's).
public struct QueryResult: Sendable {
    /// The full reply; the listener truncates it for UDP when needed.
    public var wire: [UInt8]
    public var rcode: UInt16
    public var source: AnswerSource
    /// The parsed upstream reply this answer was made from, for the cache.
    public var upstreamResponse: DNSResponse?

    public init(wire: [UInt8], rcode: UInt16, source: AnswerSource, upstreamResponse: DNSResponse? = nil) {
        self.wire = wire
        self.rcode = rcode
        self.source = source
        self.upstreamResponse = upstreamResponse
    }
}
