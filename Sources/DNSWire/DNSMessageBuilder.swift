/// Builds and edits DNS messages in wire form.
public enum DNSMessageBuilder {
    /// A reply to `query` with no records and the given RCODE: same ID, RD and
    /// CD copied, QR and RA set, the question echoed, and an OPT record
    /// (payload size 1232) when the query had one.
    public static func errorReply(to query: DNSQuery, rcode: UInt16) -> [UInt8] {
        fatalError("not yet implemented")
    }

    /// FORMERR for a query whose header was readable but whose body was not:
    /// same ID and opcode, no question, no records.
    public static func formErr(id: UInt16, queryFlags: UInt16) -> [UInt8] {
        fatalError("not yet implemented")
    }

    /// A copy of `wire` with its ID replaced.
    public static func withID(_ wire: [UInt8], _ id: UInt16) -> [UInt8] {
        var out = wire
        setID(&out, id)
        return out
    }

    /// Replaces the ID of a message in place (no-op on less than 2 bytes).
    public static func setID(_ wire: inout [UInt8], _ id: UInt16) {
        guard wire.count >= 2 else { return }
        wire[0] = UInt8(id >> 8)
        wire[1] = UInt8(id & 0xFF)
    }

    /// The query to send upstream: `query.wire` with a new ID and, when it has
    /// an OPT record, that record's payload size set to `advertisedPayloadSize`.
    /// Nothing else changes (RFC 5625).
    public static func upstreamQuery(from query: DNSQuery, id: UInt16, advertisedPayloadSize: UInt16 = 1232) -> [UInt8] {
        fatalError("not yet implemented")
    }

    /// A reply that fits `limit` bytes for UDP: `reply` itself when it fits,
    /// else its header with TC=1 and all counts but qdcount/arcount zeroed,
    /// the question and the OPT record only.
    public static func fitForUDP(_ reply: [UInt8], limit: Int) -> [UInt8] {
        fatalError("not yet implemented")
    }

    /// A plain query (RD set), for clients and tests.
    public static func query(
        id: UInt16, name: String, type: UInt16, qclass: UInt16 = 1,
        recursionDesired: Bool = true, checkingDisabled: Bool = false,
        edns: EDNSInfo? = nil
    ) throws(DNSNameError) -> [UInt8] {
        fatalError("not yet implemented")
    }
}
