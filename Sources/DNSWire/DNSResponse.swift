/// A reply from an upstream server, parsed, checked and indexed for reuse.
///
/// Parsing walks every record with bounds checks and has ldns validate the
/// record data, so a malformed reply is rejected instead of being cached or
/// passed on.
public struct DNSResponse: Sendable {
    /// The bytes as received (ID included).
    public var wire: [UInt8]
    public var id: UInt16
    public var flags: UInt16
    /// Full RCODE: header RCODE plus the OPT extension's upper bits.
    public var rcode: UInt16
    /// The question the reply carries (nil when qdcount is 0).
    public var question: DNSQuestion?
    public var edns: EDNSInfo?
    /// Every TTL field in the message (all sections, OPT excluded).
    public var ttlFields: [TTLField]
    /// Number of records in the answer section.
    public var answerCount: Int
    /// For NXDOMAIN and NODATA: min(SOA TTL, SOA MINIMUM) of the authority
    /// section's SOA (RFC 2308 §5); nil when there is no SOA.
    public var negativeTTL: UInt32?

    public var truncated: Bool { flags & 0x0200 != 0 }
    public var isResponse: Bool { flags & 0x8000 != 0 }

    public init(
        wire: [UInt8], id: UInt16, flags: UInt16, rcode: UInt16, question: DNSQuestion?,
        edns: EDNSInfo?, ttlFields: [TTLField], answerCount: Int, negativeTTL: UInt32?
    ) {
        self.wire = wire
        self.id = id
        self.flags = flags
        self.rcode = rcode
        self.question = question
        self.edns = edns
        self.ttlFields = ttlFields
        self.answerCount = answerCount
        self.negativeTTL = negativeTTL
    }

    /// Parses and validates a reply.
    /// - Throws: `ResponseParseError` saying what is wrong and at which offset.
    public static func parse(_ wire: [UInt8]) throws(ResponseParseError) -> DNSResponse {
        fatalError("DNSResponse.parse: not yet implemented")
    }
}

/// Where one record's TTL sits in a message, and its value there.
public struct TTLField: Hashable, Sendable {
    /// Byte offset of the 32-bit TTL.
    public var offset: Int
    public var ttl: UInt32

    public init(offset: Int, ttl: UInt32) {
        self.offset = offset
        self.ttl = ttl
    }
}
