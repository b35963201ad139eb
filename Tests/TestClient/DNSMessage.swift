/// The few DNS wire operations the client needs, by hand: build a query,
/// read a reply's header, and (for `--serve`) answer a query.
enum DNSMessage {
    /// The 12-byte header fields the client reports.
    struct Header {
        var id: UInt16
        var flags: UInt16
        var questions: Int
        var answers: Int

        var rcode: Int { Int(flags & 0x000F) }
        var isResponse: Bool { flags & 0x8000 != 0 }
        var truncated: Bool { flags & 0x0200 != 0 }
    }

    /// Record types by name; anything else may be given as a number or "TYPEnnn".
    static let typeNames: [String: UInt16] = [
        "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "MX": 15, "TXT": 16,
        "AAAA": 28, "SRV": 33, "SVCB": 64, "HTTPS": 65, "ANY": 255,
    ]

    /// A standard query (RD set) for `name` and `type`, class IN, no EDNS.
    static func query(id: UInt16, name: String, type: UInt16) throws(ClientError) -> [UInt8] {
        var bytes = bigEndian(id) + [0x01, 0x00] + [0, 1, 0, 0, 0, 0, 0, 0]
        for label in name.split(separator: ".") {
            let utf8 = Array(label.utf8)
            guard utf8.count <= 63 else { throw ClientError("label longer than 63 bytes in \(name)") }
            bytes += [UInt8(utf8.count)] + utf8
        }
        bytes += [0] + bigEndian(type) + [0, 1]
        return bytes
    }

    /// The header of `message`, or nil when it is shorter than 12 bytes.
    static func header(of message: [UInt8]) -> Header? {
        guard message.count >= 12 else { return nil }
        return Header(
            id: word(message, 0), flags: word(message, 2),
            questions: Int(word(message, 4)), answers: Int(word(message, 6)))
    }

    /// What `--serve` replies: NOERROR with one A (192.0.2.1), AAAA
    /// (2001:db8::1) or PTR (ptr-answer.example) record, TTL 60, or no
    /// answer for other types; NXDOMAIN for "nxdomain.*" and names under
    /// "absent.test" (search-domain tests); FORMERR
    /// when the question cannot be read. A first label "h<N>" answers
    /// 192.0.2.N / 2001:db8::N (hex digits, as written) instead, and
    /// "h<N>-t<TTL>" sets the TTL too (enforcement tests: which address, how long).
    static func answer(to query: [UInt8]) -> [UInt8]? {
        guard let header = header(of: query), !header.isResponse else { return nil }
        let rd = header.flags & 0x0100
        guard header.questions == 1, let questionEnd = endOfQuestion(query) else {
            return bigEndian(header.id) + bigEndian(0x8001 | rd) + [UInt8](repeating: 0, count: 8)
        }
        let type = word(query, questionEnd - 4)
        let firstLabel = String(decoding: query[13..<(13 + Int(query[12]))], as: UTF8.self).lowercased()
        // "nxdomain.*" and names under "absent.test" do not exist (NXDOMAIN, no records).
        let absent: [UInt8] = [6] + Array("absent".utf8) + [4] + Array("test".utf8) + [0]
        let name = query[12..<(questionEnd - 4)].map { $0 >= 65 && $0 <= 90 ? $0 + 32 : $0 }
        if firstLabel == "nxdomain" || name.count > absent.count && name.suffix(absent.count).elementsEqual(absent) { return bigEndian(header.id) + bigEndian(0x8083 | rd) + [0, 1, 0, 0, 0, 0, 0, 0] + query[12..<questionEnd] }
        let (host, ttl) = hostAndTTL(firstLabel)
        let rdata: [UInt8]
        switch type {
        // "internal.*" answers a private address (rebinding-guard tests).
        case 1: rdata = firstLabel == "internal" ? [192, 168, 1, 1] : [192, 0, 2, UInt8(host.v4)]
        case 28: rdata = [0x20, 0x01, 0x0d, 0xb8] + [UInt8](repeating: 0, count: 10) + bigEndian(host.v6)
        // PTR (reverse lookups): every address is "ptr-answer.example".
        case 12: rdata = encodedName("ptr-answer.example")
        default: rdata = []
        }
        // "cloaked.*" is a CNAME to a tracker's name first (CNAME-cloaking tests).
        let cname: [UInt8]? = firstLabel == "cloaked" ? encodedName("cloaked-target.tracker.example") : nil
        let answers = UInt16(rdata.isEmpty ? 0 : 1) + (cname == nil ? 0 : 1)
        var reply = bigEndian(header.id) + bigEndian(0x8080 | rd) + [0, 1] + bigEndian(answers) + [0, 0, 0, 0]
        reply += query[12..<questionEnd]
        // The owner is a pointer to the question's name (offset 12), or to the CNAME's target.
        var owner: [UInt8] = [0xC0, 0x0C]
        if let cname {
            let targetOffset = reply.count + 12
            reply += [0xC0, 0x0C] + bigEndian(5) + [0, 1] + [0, 0, 0, 60] + bigEndian(UInt16(cname.count)) + cname
            owner = [0xC0 | UInt8(targetOffset >> 8), UInt8(targetOffset & 0xFF)]
        }
        if !rdata.isEmpty {
            reply += owner + bigEndian(type) + [0, 1] + bigEndian(UInt16(ttl >> 16)) + bigEndian(UInt16(ttl & 0xFFFF)) + bigEndian(UInt16(rdata.count)) + rdata
        }
        return reply
    }

    /// The host number and TTL a first label asks for: "h2" → (2, 0x2), 60 s;
    /// "h10-t3" → (10, 0x10), 3 s; anything else → host 1, 60 s.
    private static func hostAndTTL(_ label: String) -> (host: (v4: Int, v6: UInt16), ttl: UInt32) {
        let parts = label.split(separator: "-")
        guard let first = parts.first, first.hasPrefix("h"), let v4 = Int(first.dropFirst()), (1...254).contains(v4),
              let v6 = UInt16(first.dropFirst(), radix: 16)
        else { return ((1, 1), 60) }
        let ttl = parts.dropFirst().first.flatMap { $0.hasPrefix("t") ? UInt32($0.dropFirst()) : nil } ?? 60
        return ((v4, v6), ttl)
    }

    /// `name` in uncompressed wire form.
    private static func encodedName(_ name: String) -> [UInt8] {
        name.split(separator: ".").flatMap { [UInt8($0.utf8.count)] + Array($0.utf8) } + [0]
    }

    /// The offset just past the (uncompressed) question, or nil if malformed.
    private static func endOfQuestion(_ message: [UInt8]) -> Int? {
        var offset = 12
        while offset < message.count {
            let length = Int(message[offset])
            if length == 0 { return offset + 5 <= message.count ? offset + 5 : nil }
            guard length <= 63 else { return nil }
            offset += 1 + length
        }
        return nil
    }

    private static func word(_ bytes: [UInt8], _ offset: Int) -> UInt16 {
        UInt16(bytes[offset]) << 8 | UInt16(bytes[offset + 1])
    }

    private static func bigEndian(_ value: UInt16) -> [UInt8] {
        [UInt8(value >> 8), UInt8(value & 0xFF)]
    }
}
