/// Builds and edits DNS messages in wire form.
public enum DNSMessageBuilder {
    /// A reply to `query` with no records and the given RCODE: same ID, RD and
    /// CD copied, QR and RA set, the question echoed, and an OPT record
    /// (payload size 1232) when the query had one.
    ///
    /// The opcode is copied too, and the question keeps the client's letter
    /// case. RCODEs above 15 (e.g. BADVERS = 16) put their upper 8 bits in the
    /// OPT record; without one only the lower 4 bits can be sent. The OPT
    /// carries the query's DO bit.
    public static func errorReply(to query: DNSQuery, rcode: UInt16) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(query.questionEnd + 11)
        appendReplyHeader(&out, to: query, rcode: rcode, ancount: 0, nscount: 0, arcount: query.edns == nil ? 0 : 1)
        appendQuestion(&out, of: query)
        if let edns = query.edns {
            out.appendOPT(payload: 1232, extendedRcodeHigh: UInt8(truncatingIfNeeded: rcode >> 4), dnssecOK: edns.dnssecOK)
        }
        return out
    }

    /// FORMERR for a query whose header was readable but whose body was not:
    /// same ID and opcode, no question, no records.
    public static func formErr(id: UInt16, queryFlags: UInt16) -> [UInt8] {
        headerReply(id: id, queryFlags: queryFlags, rcode: DNSRcode.formErr)
    }

    /// A bare 12-byte reply header with the given RCODE (lower 4 bits) and all
    /// counts zero: same ID and opcode, RD and CD copied, QR and RA set.
    /// For FORMERR and NOTIMP, where the question cannot be trusted.
    public static func headerReply(id: UInt16, queryFlags: UInt16, rcode: UInt16) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(12)
        out.appendU16(id)
        out.appendU16(replyFlags(queryFlags: queryFlags, rcode: rcode))
        out.append(contentsOf: repeatElement(0, count: 8))
        return out
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
        var out = query.wire
        setID(&out, id)
        // CLASS of the OPT record sits after its 1-byte root owner and 2-byte TYPE.
        if let opt = query.optOffset, opt + 5 <= out.count {
            out.setU16(advertisedPayloadSize, at: opt + 3)
        }
        return out
    }

    /// A reply that fits `limit` bytes for UDP: `reply` itself when it fits,
    /// else its header with TC=1 and all counts but qdcount/arcount zeroed,
    /// the question and the OPT record only.
    ///
    /// arcount becomes 1 when there is an OPT record, else 0. When even that
    /// does not fit (or the reply cannot be walked), the OPT and then the
    /// question are left out; the result is never longer than
    /// max(`limit`, 12) bytes.
    public static func fitForUDP(_ reply: [UInt8], limit: Int) -> [UInt8] {
        guard reply.count > limit, reply.count >= 12 else { return reply }
        let (questionEnd, opt) = reply.withUnsafeBufferPointer { buf in
            truncationParts(WireReader(bytes: buf))
        }
        var out = Array(reply[0..<12])
        out[2] |= 0x02 // TC
        for i in 4..<12 { out[i] = 0 }
        if let questionEnd, questionEnd <= limit {
            out[5] = reply[5]
            out[4] = reply[4]
            out.append(contentsOf: reply[12..<questionEnd])
            if let opt, out.count + opt.count <= limit {
                out.append(contentsOf: reply[opt])
                out[11] = 1
            }
        }
        return out
    }

    /// Where the question ends and where the OPT record lies, for `fitForUDP`;
    /// nil for what cannot be found safely.
    private static func truncationParts(_ r: WireReader) -> (questionEnd: Int?, opt: Range<Int>?) {
        do throws(WireError) {
            let qdcount = Int(try r.u16(4, "the header"))
            var pos = 12
            for _ in 0..<qdcount {
                pos = try r.skipName(at: pos) + 4
                guard pos <= r.count else { throw WireError("message ends inside the question", offset: pos) }
            }
            let questionEnd = pos
            let ancount = Int(try r.u16(6, "the header"))
            let nscount = Int(try r.u16(8, "the header"))
            let arcount = Int(try r.u16(10, "the header"))
            var opt: Range<Int>? = nil
            for index in 0..<(ancount + nscount + arcount) {
                guard let rec = try? r.record(at: pos) else { break }
                if rec.type == DNSType.opt, rec.ownerIsRoot, index >= ancount + nscount {
                    opt = rec.start..<rec.end
                    break
                }
                pos = rec.end
            }
            return (questionEnd, opt)
        } catch {
            return (nil, nil)
        }
    }

    /// A plain query (RD set), for clients and tests.
    ///
    /// The name keeps its letter case; `edns` adds an OPT record with its
    /// payload size, DO bit and version.
    public static func query(
        id: UInt16, name: String, type: UInt16, qclass: UInt16 = 1,
        recursionDesired: Bool = true, checkingDisabled: Bool = false,
        edns: EDNSInfo? = nil
    ) throws(DNSNameError) -> [UInt8] {
        let nameWire = try DNSName.wire(fromText: name, lowercase: false)
        var out: [UInt8] = []
        out.reserveCapacity(12 + nameWire.count + 4 + 11)
        out.appendU16(id)
        out.appendU16((recursionDesired ? 0x0100 : 0) | (checkingDisabled ? 0x0010 : 0))
        out.appendU16(1)
        out.appendU16(0)
        out.appendU16(0)
        out.appendU16(edns == nil ? 0 : 1)
        out.append(contentsOf: nameWire)
        out.appendU16(type)
        out.appendU16(qclass)
        if let edns {
            out.appendOPT(
                payload: edns.udpPayloadSize, extendedRcodeHigh: edns.extendedRcodeHigh,
                version: edns.version, dnssecOK: edns.dnssecOK
            )
        }
        return out
    }

    /// Reply flags for a query's flags: QR and RA set; opcode, RD and CD
    /// copied; the lower 4 bits of `rcode`.
    static func replyFlags(queryFlags: UInt16, rcode: UInt16, authoritative: Bool = false, truncated: Bool = false) -> UInt16 {
        0x8000 | 0x0080 | (queryFlags & (0x7800 | 0x0100 | 0x0010))
            | (authoritative ? 0x0400 : 0) | (truncated ? 0x0200 : 0) | (rcode & 0x000F)
    }

    static func appendReplyHeader(
        _ out: inout [UInt8], to query: DNSQuery, rcode: UInt16, ancount: Int, nscount: Int, arcount: Int,
        authoritative: Bool = false, truncated: Bool = false
    ) {
        out.appendU16(query.id)
        out.appendU16(replyFlags(queryFlags: query.flags, rcode: rcode, authoritative: authoritative, truncated: truncated))
        out.appendU16(1)
        out.appendU16(UInt16(truncatingIfNeeded: ancount))
        out.appendU16(UInt16(truncatingIfNeeded: nscount))
        out.appendU16(UInt16(truncatingIfNeeded: arcount))
    }

    /// The query's question as received (client's case), or rebuilt from
    /// `query.question` when `questionEnd` does not fit `wire`.
    static func appendQuestion(_ out: inout [UInt8], of query: DNSQuery) {
        if query.questionEnd > 12, query.questionEnd <= query.wire.count {
            out.append(contentsOf: query.wire[12..<query.questionEnd])
        } else {
            out.append(contentsOf: query.question.name)
            out.appendU16(query.question.type)
            out.appendU16(query.question.qclass)
        }
    }
}
