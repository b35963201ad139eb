extension DNSMessageBuilder {
    /// A reply to `query` carrying the given records (tests, the fake upstream).
    ///
    /// Same ID and opcode, the question echoed as the query had it, QR, RD
    /// (copied) and RA set, CD copied, AA/TC as asked. When the query had EDNS,
    /// an OPT record (payload 1232, DO copied, upper RCODE bits) ends the
    /// additional section. Names are not compressed.
    /// - Precondition: the records' names can be encoded (see `ResourceRecord`).
    public static func reply(
        to query: DNSQuery, rcode: UInt16 = 0, answers: [ResourceRecord] = [],
        authority: [ResourceRecord] = [], additional: [ResourceRecord] = [],
        authoritative: Bool = false, truncated: Bool = false
    ) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(512)
        appendReplyHeader(
            &out, to: query, rcode: rcode, ancount: answers.count, nscount: authority.count,
            arcount: additional.count + (query.edns == nil ? 0 : 1),
            authoritative: authoritative, truncated: truncated
        )
        appendQuestion(&out, of: query)
        for record in answers { record.append(to: &out) }
        for record in authority { record.append(to: &out) }
        for record in additional { record.append(to: &out) }
        if let edns = query.edns {
            out.appendOPT(payload: 1232, extendedRcodeHigh: UInt8(truncatingIfNeeded: rcode >> 4), dnssecOK: edns.dnssecOK)
        }
        return out
    }
}
