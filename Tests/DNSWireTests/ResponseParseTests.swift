import Testing
@testable import DNSWire

@Suite struct ResponseParseTests {
    typealias M = RawMessage

    static func query(edns: EDNSInfo? = nil, name: String = "www.example.com", type: UInt16 = DNSType.a) throws -> DNSQuery {
        try DNSQuery.parse(DNSMessageBuilder.query(id: 0x4242, name: name, type: type, edns: edns))
    }

    @Test func answerRoundTrip() throws {
        let q = try Self.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        let wire = DNSMessageBuilder.reply(to: q, answers: [
            .cname("www.example.com", "web.example.com", ttl: 300),
            .a("web.example.com", "192.0.2.7", ttl: 60),
            .aaaa("web.example.com", "2001:db8::1", ttl: 61),
        ], additional: [.txt("info.example.com", ["hello", "world"], ttl: 5)])
        let r = try DNSResponse.parse(wire)
        #expect(r.wire == wire)
        #expect(r.id == 0x4242)
        #expect(r.isResponse)
        #expect(!r.truncated)
        #expect(r.rcode == 0)
        #expect(r.answerCount == 3)
        #expect(r.question == q.question)
        #expect(r.edns?.dnssecOK == true)
        #expect(r.edns?.udpPayloadSize == 1232)
        #expect(r.ttlFields.map(\.ttl) == [300, 60, 61, 5])
        #expect(r.negativeTTL == nil)
        // The A record's data follows its TTL and RDLENGTH.
        let a = r.ttlFields[1].offset
        #expect(Array(wire[(a + 4)..<(a + 10)]) == [0, 4, 192, 0, 2, 7])
    }

    @Test func ttlOffsetsPointAtTheTTLs() throws {
        let q = try Self.query()
        var wire = DNSMessageBuilder.reply(
            to: q, answers: [.a("www.example.com", "1.2.3.4", ttl: 100), .a("www.example.com", "1.2.3.5", ttl: 200)],
            authority: [.soa("example.com", mname: "ns", rname: "h", minimum: 50, ttl: 400)]
        )
        let first = try DNSResponse.parse(wire)
        #expect(first.ttlFields.map(\.ttl) == [100, 200, 400])
        // Rewrite each TTL in place; a re-parse must read exactly what was written.
        for (i, field) in first.ttlFields.enumerated() {
            let new = UInt32(7 + i)
            for k in 0..<4 { wire[field.offset + k] = UInt8((new >> (24 - 8 * UInt32(k))) & 0xFF) }
        }
        let second = try DNSResponse.parse(wire)
        #expect(second.ttlFields == first.ttlFields.enumerated().map { TTLField(offset: $1.offset, ttl: UInt32(7 + $0)) })
        #expect(second.negativeTTL == 9) // min(SOA TTL 9, MINIMUM 50)
    }

    @Test func highBitTTLCountsAsZero() throws {
        let q = try Self.query()
        let wire = DNSMessageBuilder.reply(to: q, answers: [.a("www.example.com", "1.2.3.4", ttl: 0x8000_0001)])
        let r = try DNSResponse.parse(wire)
        #expect(r.ttlFields.map(\.ttl) == [0])
    }

    @Test func negativeTTLIsMinOfSOATTLAndMinimum() throws {
        let q = try Self.query()
        let nx = DNSMessageBuilder.reply(to: q, rcode: DNSRcode.nxDomain, authority: [
            .soa("example.com", mname: "ns1.example.com", rname: "hostmaster.example.com", minimum: 900, ttl: 3600),
        ])
        let r = try DNSResponse.parse(nx)
        #expect(r.rcode == DNSRcode.nxDomain)
        #expect(r.answerCount == 0)
        #expect(r.negativeTTL == 900)
        let nodata = DNSMessageBuilder.reply(to: q, authority: [
            .soa("example.com", mname: "ns1.example.com", rname: "hostmaster.example.com", minimum: 900, ttl: 30),
        ])
        #expect(try DNSResponse.parse(nodata).negativeTTL == 30)
    }

    @Test func soaOutsideAuthorityGivesNoNegativeTTL() throws {
        let q = try Self.query(type: DNSType.soa)
        let wire = DNSMessageBuilder.reply(to: q, answers: [.soa("example.com", mname: "a", rname: "b", minimum: 5)])
        #expect(try DNSResponse.parse(wire).negativeTTL == nil)
    }

    @Test func extendedRcode() throws {
        // BADVERS = 16: header RCODE 0, OPT ext-rcode 1.
        let wire = M.header(flags: 0x8180, ar: 1) + M.question + M.opt(ttl: 0x0100_0000)
        let r = try DNSResponse.parse(wire)
        #expect(r.rcode == 16)
        #expect(r.edns?.extendedRcodeHigh == 1)
        let servfail = M.header(flags: 0x8182) + M.question
        #expect(try DNSResponse.parse(servfail).rcode == 2)
    }

    @Test func noQuestionIsAccepted() throws {
        let r = try DNSResponse.parse(M.header(flags: 0x8181, qd: 0))
        #expect(r.question == nil)
        #expect(r.rcode == 1)
    }

    @Test func compressedNamesAreFollowed() throws {
        // Answer owner = pointer to the question name; CNAME target = "web" + pointer to "example.com".
        let base = M.header(flags: 0x8180, an: 2) + M.question
        let cnameData: [UInt8] = [3, 0x77, 0x65, 0x62, 0xC0, 20]
        let cnameStart = base.count
        let wire = base + [0xC0, 12] + M.rr(type: DNSType.cname, ttl: 10, rdata: cnameData)
            + [0xC0, UInt8(cnameStart + 12)] + M.rr(type: DNSType.a, ttl: 20, rdata: [10, 0, 0, 1])
        let r = try DNSResponse.parse(wire)
        #expect(r.ttlFields.map(\.ttl) == [10, 20])
        #expect(r.ttlFields.map(\.offset) == [cnameStart + 6, cnameStart + 18 + 6])
    }

    @Test func unknownTypesPassThroughUntouched() throws {
        let q = try Self.query(type: 65280)
        let wire = DNSMessageBuilder.reply(to: q, answers: [.raw("www.example.com", 65280, [0xDE, 0xAD, 0xBE, 0xEF, 0x00], ttl: 77)])
        let r = try DNSResponse.parse(wire)
        #expect(r.wire == wire)
        #expect(r.ttlFields.map(\.ttl) == [77])
        #expect(Array(wire.suffix(5)) == [0xDE, 0xAD, 0xBE, 0xEF, 0x00])
    }

    @Test func httpsAndDNSSECRecordsAreAccepted() throws {
        let q = try Self.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true), type: DNSType.https)
        // priority 1, target ".", alpn="h2","h3", ipv4hint=192.0.2.1
        let https: [UInt8] = [0, 1, 0] + [0, 1, 0, 6, 2, 0x68, 0x32, 2, 0x68, 0x33] + [0, 4, 0, 4, 192, 0, 2, 1]
        // RRSIG over HTTPS: type, alg 13, labels 3, original TTL, expiration, inception, key tag, signer, 64-byte signature.
        let rrsig: [UInt8] = M.u16(DNSType.https) + [13, 3] + M.u32(300) + M.u32(1_900_000_000) + M.u32(1_800_000_000)
            + M.u16(12345) + M.name("example", "com") + Array(repeating: 0xAB, count: 64)
        let wire = DNSMessageBuilder.reply(to: q, answers: [
            .raw("www.example.com", DNSType.https, https, ttl: 300),
            .raw("www.example.com", DNSType.rrsig, rrsig, ttl: 300),
        ])
        let r = try DNSResponse.parse(wire)
        #expect(r.answerCount == 2)
    }

    // MARK: rejections

    static func expectRejected(_ wire: [UInt8], _ containing: String? = nil, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try DNSResponse.parse(wire)
        } throws: { error in
            guard let e = error as? ResponseParseError else { return false }
            return containing.map { e.reason.contains($0) } ?? true
        }
    }

    @Test func tooShort() {
        for length in 0..<12 { Self.expectRejected(Array(M.header(flags: 0x8180)[0..<length]), "shorter") }
    }

    @Test func queryIsNotAReply() {
        Self.expectRejected(M.header(flags: 0x0100) + M.question, "QR=0")
    }

    @Test func twoQuestions() {
        Self.expectRejected(M.header(flags: 0x8180, qd: 2) + M.question + M.question, "question count")
    }

    @Test func aRecordWithThreeBytesIsRejectedByLdns() throws {
        let wire = M.header(flags: 0x8180, an: 1) + M.question + [0xC0, 12] + M.rr(type: DNSType.a, rdata: [1, 2, 3])
        Self.expectRejected(wire, "ldns")
        let good = M.header(flags: 0x8180, an: 1) + M.question + [0xC0, 12] + M.rr(type: DNSType.a, rdata: [1, 2, 3, 4])
        #expect(throws: Never.self) { try DNSResponse.parse(good) }
    }

    @Test func truncatedAnywhereIsRejected() throws {
        let q = try Self.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        let wire = DNSMessageBuilder.reply(to: q, answers: [.a("www.example.com", "1.2.3.4")], authority: [.soa("example.com", mname: "a", rname: "b")])
        for length in 12..<wire.count { Self.expectRejected(Array(wire[0..<length])) }
    }

    @Test func trailingBytes() throws {
        let q = try Self.query()
        Self.expectRejected(DNSMessageBuilder.reply(to: q, answers: [.a("www.example.com", "1.2.3.4")]) + [0, 0], "after the last record")
    }

    @Test func pointerLoopAndForwardPointer() {
        let base = M.header(flags: 0x8180, an: 1) + M.question
        Self.expectRejected(base + [0xC0, UInt8(base.count)] + M.rr(type: 1, rdata: [1, 2, 3, 4]), "backwards")
        Self.expectRejected(base + [0xC0, UInt8(base.count + 2)] + M.rr(type: 1, rdata: [1, 2, 3, 4]), "backwards")
        // A pointer back to a name that itself jumps forward to the first pointer again.
        let p = base.count
        let loop = base + [1, 0x61, 0xC0, UInt8(p)] + M.rr(type: 1, rdata: [1, 2, 3, 4])
        Self.expectRejected(loop, "backwards")
    }

    @Test func badLabelTypeAndOverlongName() {
        Self.expectRejected(M.header(flags: 0x8180) + [0x41, 0x61, 0] + M.u16(1) + M.u16(1))
        var name: [UInt8] = []
        for _ in 0..<5 { name += [63] + Array(repeating: 0x61, count: 63) }
        Self.expectRejected(M.header(flags: 0x8180) + name + [0] + M.u16(1) + M.u16(1), "255")
    }

    @Test func optRules() {
        Self.expectRejected(M.header(flags: 0x8180, ar: 2) + M.question + M.opt() + M.opt(), "second OPT")
        Self.expectRejected(M.header(flags: 0x8180, an: 1) + M.question + M.opt(), "additional")
        Self.expectRejected(M.header(flags: 0x8180, ar: 1) + M.question + M.name("x") + M.rr(type: DNSType.opt, rdata: []), "root")
    }

    @Test func errorCarriesOffset() throws {
        let wire = M.header(flags: 0x8180, an: 1) + M.question + [0xC0, 12] + M.rr(type: 1, rdata: [1, 2, 3, 4]) + [9]
        do {
            _ = try DNSResponse.parse(wire)
            Issue.record("trailing byte accepted")
        } catch {
            #expect(error.offset == wire.count - 1)
        }
    }
}
