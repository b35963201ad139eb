/// A reply from an upstream server, parsed, checked and indexed for reuse.
///
/// Parsing walks every record with bounds checks and has ldns validate the
/// record data, so a malformed reply is rejected instead of being cached or
/// passed on.
public struct DNSResponse: Sendable {
    /// The bytes as received (ID included).
    public var wire: [UInt8]
    /// Message ID as received.
    public var id: UInt16
    /// Header flags word (bytes 2–3).
    public var flags: UInt16
    /// Full RCODE: header RCODE plus the OPT extension's upper bits.
    public var rcode: UInt16
    /// The question the reply carries (nil when qdcount is 0).
    public var question: DNSQuestion?
    /// The OPT record, when the reply has one.
    public var edns: EDNSInfo?
    /// Every TTL field in the message (all sections, OPT excluded).
    public var ttlFields: [TTLField]
    /// Number of records in the answer section.
    public var answerCount: Int
    /// For NXDOMAIN and NODATA: min(SOA TTL, SOA MINIMUM) of the authority
    /// section's SOA (RFC 2308 §5); nil when there is no SOA.
    public var negativeTTL: UInt32?
    /// Where the OPT record's data (its options) sits in `wire`, when there is one.
    public var optionsRange: Range<Int>?

    /// The TC bit.
    public var truncated: Bool { flags & 0x0200 != 0 }
    /// The QR bit.
    public var isResponse: Bool { flags & 0x8000 != 0 }

    /// A reply from its parts; prefer `parse`.
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
        guard wire.count >= 12 else {
            throw ResponseParseError("reply of \(wire.count) bytes is shorter than a DNS header", offset: 0)
        }
        let parsed = wire.withUnsafeBufferPointer { buf -> Result<DNSResponse, ResponseParseError> in
            let r = WireReader(bytes: buf)
            do throws(WireError) {
                var response = try walk(r)
                if let problem = LdnsValidator.problem(in: buf) {
                    return .failure(ResponseParseError("ldns rejects the reply: \(problem)"))
                }
                response.wire = wire
                return .success(response)
            } catch {
                return .failure(ResponseParseError(error.reason, offset: error.offset))
            }
        }
        return try parsed.get()
    }

    /// Header, question and every record, bounds-checked; `wire` is left empty.
    private static func walk(_ r: WireReader) throws(WireError) -> DNSResponse {
        let id = try r.u16(0, "the header")
        let flags = try r.u16(2, "the header")
        guard flags & 0x8000 != 0 else { throw WireError("QR=0: a query, not a reply", offset: 2) }
        let qdcount = try r.u16(4, "the header")
        let ancount = Int(try r.u16(6, "the header"))
        let nscount = Int(try r.u16(8, "the header"))
        let arcount = Int(try r.u16(10, "the header"))
        guard qdcount <= 1 else { throw WireError("question count is \(qdcount), not 0 or 1", offset: 4) }

        var pos = 12
        var question: DNSQuestion? = nil
        if qdcount == 1 {
            let (name, nameEnd) = try r.lowercasedName(at: 12)
            let qtype = try r.u16(nameEnd, "the question type")
            let qclass = try r.u16(nameEnd + 2, "the question class")
            question = DNSQuestion(name: name, type: qtype, qclass: qclass)
            pos = nameEnd + 4
        }

        var ttlFields: [TTLField] = []
        ttlFields.reserveCapacity(ancount + nscount + arcount)
        var edns: EDNSInfo? = nil
        var negativeTTL: UInt32? = nil
        var optionsRange: Range<Int>? = nil
        let firstAuthority = ancount
        let firstAdditional = ancount + nscount
        for index in 0..<(firstAdditional + arcount) {
            let rec = try r.record(at: pos)
            if rec.type == DNSType.opt {
                edns = try WireReader.checkedOPT(rec, index: index, firstAdditional: firstAdditional, alreadySeen: edns != nil)
                optionsRange = rec.rdataStart..<rec.end
            } else {
                // RFC 2181 §8: a TTL with the top bit set is treated as zero.
                let ttl = rec.ttl & 0x8000_0000 != 0 ? 0 : rec.ttl
                ttlFields.append(TTLField(offset: rec.ttlOffset, ttl: ttl))
                if rec.type == DNSType.soa, negativeTTL == nil, index >= firstAuthority, index < firstAdditional {
                    // MINIMUM is the last field of the SOA data; two root names + 5 × 32 bits at least.
                    guard rec.rdataLength >= 22 else { throw WireError("SOA data of \(rec.rdataLength) bytes is too short", offset: rec.rdataStart) }
                    let minimum = try r.u32(rec.end - 4, "the SOA MINIMUM")
                    negativeTTL = min(ttl, minimum)
                }
            }
            pos = rec.end
        }
        guard pos == r.count else { throw WireError("\(r.count - pos) bytes after the last record", offset: pos) }

        let rcode = (flags & 0x000F) | UInt16(edns?.extendedRcodeHigh ?? 0) << 4
        var response = DNSResponse(
            wire: [], id: id, flags: flags, rcode: rcode, question: question, edns: edns,
            ttlFields: ttlFields, answerCount: ancount, negativeTTL: negativeTTL
        )
        response.optionsRange = optionsRange
        return response
    }
}

/// Where one record's TTL sits in a message, and its value there.
public struct TTLField: Hashable, Sendable {
    /// Byte offset of the 32-bit TTL.
    public var offset: Int
    /// The TTL there (0 when its top bit is set, RFC 2181 §8).
    public var ttl: UInt32

    /// A TTL field at `offset`.
    public init(offset: Int, ttl: UInt32) {
        self.offset = offset
        self.ttl = ttl
    }
}
