/// A client's query, parsed and checked (bounds, header, one question, OPT).
///
/// `wire` keeps the bytes exactly as received so they can be forwarded
/// unchanged except for the ID (RFC 5625).
public struct DNSQuery: Sendable {
    /// The bytes as received.
    public var wire: [UInt8]
    /// Message ID as received.
    public var id: UInt16
    /// Header flags word (bytes 2–3) as received.
    public var flags: UInt16
    /// The only question (name lowercased).
    public var question: DNSQuestion
    /// The OPT record, when the query has one.
    public var edns: EDNSInfo?
    /// Offset of the OPT record (its root owner byte) in `wire`, when there is
    /// one; lets `upstreamQuery` patch the payload size without re-parsing.
    public private(set) var optOffset: Int?
    /// Offset just past the question in `wire` (12 + name + type + class);
    /// replies copy the question from there, in the client's letter case.
    public private(set) var questionEnd: Int

    /// Header OPCODE (0 = QUERY).
    public var opcode: UInt8 { UInt8((flags >> 11) & 0x0F) }
    /// The RD bit.
    public var recursionDesired: Bool { flags & 0x0100 != 0 }
    /// The CD bit.
    public var checkingDisabled: Bool { flags & 0x0010 != 0 }
    /// The AD bit.
    public var authenticData: Bool { flags & 0x0020 != 0 }

    /// A query from its parts; `optOffset` and `questionEnd` must describe
    /// `wire` (`questionEnd` defaults to where an uncompressed question ends).
    /// Prefer `parse`, which fills them in.
    public init(
        wire: [UInt8], id: UInt16, flags: UInt16, question: DNSQuestion, edns: EDNSInfo?,
        optOffset: Int? = nil, questionEnd: Int? = nil
    ) {
        self.wire = wire
        self.id = id
        self.flags = flags
        self.question = question
        self.edns = edns
        self.optOffset = optOffset
        self.questionEnd = questionEnd ?? 12 + question.name.count + 4
    }

    /// Parses a query as received from a client.
    ///
    /// - Throws: `QueryParseError.drop` when the bytes must not be answered
    ///   (shorter than a header, or QR=1), `.formErr` when the header is
    ///   readable but the rest is not acceptable (qdcount ≠ 1, truncated or
    ///   malformed question or records, several OPT records…),
    ///   `.notImp` when the opcode is not QUERY.
    public static func parse(_ wire: [UInt8]) throws(QueryParseError) -> DNSQuery {
        guard wire.count >= 12 else {
            throw .drop(reason: "message of \(wire.count) bytes is shorter than a DNS header")
        }
        let parsed = wire.withUnsafeBufferPointer { buf in
            parseBody(WireReader(bytes: buf))
        }
        switch parsed {
        case .success(let p):
            return DNSQuery(
                wire: wire, id: p.id, flags: p.flags, question: p.question, edns: p.edns,
                optOffset: p.optOffset, questionEnd: p.questionEnd
            )
        case .failure(let error):
            throw error
        }
    }

    private struct Parts {
        var id: UInt16
        var flags: UInt16
        var question: DNSQuestion
        var edns: EDNSInfo?
        var optOffset: Int?
        var questionEnd: Int
    }

    private static func parseBody(_ r: WireReader) -> Result<Parts, QueryParseError> {
        // The caller checked the 12 header bytes exist.
        let b = r.bytes
        let id = UInt16(b[0]) << 8 | UInt16(b[1])
        let flags = UInt16(b[2]) << 8 | UInt16(b[3])
        if flags & 0x8000 != 0 { return .failure(.drop(reason: "QR=1: a response, not a query")) }
        let opcode = (flags >> 11) & 0x0F
        if opcode != 0 { return .failure(.notImp(id: id, reason: "opcode \(opcode) is not QUERY")) }
        let qdcount = UInt16(b[4]) << 8 | UInt16(b[5])
        let ancount = Int(UInt16(b[6]) << 8 | UInt16(b[7]))
        let nscount = Int(UInt16(b[8]) << 8 | UInt16(b[9]))
        let arcount = Int(UInt16(b[10]) << 8 | UInt16(b[11]))
        guard qdcount == 1 else { return .failure(.formErr(id: id, reason: "question count is \(qdcount), not 1")) }
        do throws(WireError) {
            let (name, nameEnd) = try r.lowercasedName(at: 12)
            let qtype = try r.u16(nameEnd, "the question type")
            let qclass = try r.u16(nameEnd + 2, "the question class")
            let questionEnd = nameEnd + 4
            var pos = questionEnd
            var edns: EDNSInfo? = nil
            var optOffset: Int? = nil
            let firstAdditional = ancount + nscount
            for index in 0..<(firstAdditional + arcount) {
                let rec = try r.record(at: pos)
                if rec.type == DNSType.opt {
                    edns = try WireReader.checkedOPT(rec, index: index, firstAdditional: firstAdditional, alreadySeen: edns != nil)
                    optOffset = pos
                }
                pos = rec.end
            }
            guard pos == r.count else { throw WireError("\(r.count - pos) bytes after the last record", offset: pos) }
            return .success(Parts(
                id: id, flags: flags, question: DNSQuestion(name: name, type: qtype, qclass: qclass),
                edns: edns, optOffset: optOffset, questionEnd: questionEnd
            ))
        } catch {
            return .failure(.formErr(id: id, reason: error.description))
        }
    }

    /// The largest UDP reply this client accepts: 512 without EDNS, else its
    /// advertised size clamped to 512…4096.
    public var maxUDPReplySize: Int {
        guard let edns else { return 512 }
        return min(max(Int(edns.udpPayloadSize), 512), 4096)
    }
}
