/// A client's query, parsed and checked (bounds, header, one question, OPT).
///
/// `wire` keeps the bytes exactly as received so they can be forwarded
/// unchanged except for the ID (RFC 5625).
public struct DNSQuery: Sendable {
    /// The bytes as received.
    public var wire: [UInt8]
    public var id: UInt16
    /// Header flags word (bytes 2–3) as received.
    public var flags: UInt16
    public var question: DNSQuestion
    /// The OPT record, when the query has one.
    public var edns: EDNSInfo?

    public var opcode: UInt8 { UInt8((flags >> 11) & 0x0F) }
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    public var checkingDisabled: Bool { flags & 0x0010 != 0 }
    public var authenticData: Bool { flags & 0x0020 != 0 }

    public init(wire: [UInt8], id: UInt16, flags: UInt16, question: DNSQuestion, edns: EDNSInfo?) {
        self.wire = wire
        self.id = id
        self.flags = flags
        self.question = question
        self.edns = edns
    }

    /// Parses a query as received from a client.
    ///
    /// - Throws: `QueryParseError.drop` when the bytes must not be answered
    ///   (shorter than a header, or QR=1), `.formErr` when the header is
    ///   readable but the rest is not acceptable (qdcount ≠ 1, truncated or
    ///   malformed question or records, several OPT records…).
    public static func parse(_ wire: [UInt8]) throws(QueryParseError) -> DNSQuery {
        fatalError("DNSQuery.parse: not yet implemented")
    }

    /// The largest UDP reply this client accepts: 512 without EDNS, else its
    /// advertised size clamped to 512…4096.
    public var maxUDPReplySize: Int {
        guard let edns else { return 512 }
        return min(max(Int(edns.udpPayloadSize), 512), 4096)
    }
}
