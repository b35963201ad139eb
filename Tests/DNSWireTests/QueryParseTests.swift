import Testing
@testable import DNSWire

@Suite struct QueryParseTests {
    typealias M = RawMessage

    @Test func plainQueryRoundTrip() throws {
        let wire = try DNSMessageBuilder.query(id: 0xBEEF, name: "www.example.com", type: DNSType.aaaa)
        let q = try DNSQuery.parse(wire)
        #expect(q.id == 0xBEEF)
        #expect(q.wire == wire)
        #expect(q.question == DNSQuestion(name: M.name("www", "example", "com"), type: DNSType.aaaa, qclass: 1))
        #expect(q.recursionDesired)
        #expect(!q.checkingDisabled)
        #expect(q.opcode == 0)
        #expect(q.edns == nil)
        #expect(q.optOffset == nil)
        #expect(q.maxUDPReplySize == 512)
    }

    @Test func ednsDOAndCDRoundTrip() throws {
        let edns = EDNSInfo(udpPayloadSize: 4096, dnssecOK: true)
        let wire = try DNSMessageBuilder.query(
            id: 1, name: "example.org", type: DNSType.dnskey, recursionDesired: false, checkingDisabled: true, edns: edns
        )
        let q = try DNSQuery.parse(wire)
        #expect(q.edns == edns)
        #expect(q.checkingDisabled)
        #expect(!q.recursionDesired)
        #expect(q.maxUDPReplySize == 4096)
        let opt = try #require(q.optOffset)
        #expect(wire[opt] == 0)
        #expect(M.u16(at: opt + 1, in: wire) == DNSType.opt)
        #expect(opt + 11 == wire.count)
    }

    @Test func ednsWithoutDOAndSmallPayload() throws {
        let wire = try DNSMessageBuilder.query(id: 1, name: "a.b", type: 1, edns: EDNSInfo(udpPayloadSize: 100, dnssecOK: false))
        let q = try DNSQuery.parse(wire)
        #expect(q.edns?.dnssecOK == false)
        #expect(q.maxUDPReplySize == 512)
    }

    @Test func ednsVersionAndExtRcodeAreReportedNotRejected() throws {
        let wire = M.header(ar: 1) + M.question + M.opt(payload: 1232, ttl: 0x0501_8000)
        let q = try DNSQuery.parse(wire)
        #expect(q.edns == EDNSInfo(udpPayloadSize: 1232, dnssecOK: true, version: 1, extendedRcodeHigh: 5))
    }

    @Test func questionsDifferingInCaseAreEqual() throws {
        let a = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: "WwW.ExAmPlE.CoM", type: 1))
        let b = try DNSQuery.parse(DNSMessageBuilder.query(id: 2, name: "www.example.com", type: 1))
        #expect(a.question == b.question)
        #expect(a.question.hashValue == b.question.hashValue)
        // The received bytes keep the client's case (0x20 randomisation).
        #expect(a.wire[13] == UInt8(ascii: "W"))
    }

    @Test func escapedNameSurvivesParse() throws {
        let q = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: #"a\.B\000.example"#, type: 16))
        #expect(q.question.name == [4, 0x61, 0x2E, 0x62, 0, 7] + Array("example".utf8) + [0])
        #expect(DNSName.text(fromWire: q.question.name) == #"a\.b\000.example."#)
    }

    @Test func rootQuestion() throws {
        let q = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: ".", type: DNSType.ns))
        #expect(q.question.name == [0])
    }

    @Test func unknownRecordTypesInQueryAreWalked() throws {
        // An additional record of type 65000 before the OPT.
        let wire = M.header(ar: 2) + M.question + M.name("x") + M.rr(type: 65000, rdata: [1, 2, 3]) + M.opt()
        let q = try DNSQuery.parse(wire)
        #expect(q.edns != nil)
        #expect(q.optOffset == wire.count - 11)
    }

    @Test func backwardPointerInAdditionalRecordIsAccepted() throws {
        let wire = M.header(ar: 1) + M.question + [0xC0, 12] + M.rr(type: 1, rdata: [1, 2, 3, 4])
        #expect(throws: Never.self) { try DNSQuery.parse(wire) }
    }

    // MARK: rejections

    static func expectDrop(_ wire: [UInt8]) {
        #expect {
            try DNSQuery.parse(wire)
        } throws: { error in
            guard case .drop = error as? QueryParseError else { return false }
            return true
        }
    }

    static func expectFormErr(_ wire: [UInt8], id: UInt16 = 0x1234, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(sourceLocation: sourceLocation) {
            try DNSQuery.parse(wire)
        } throws: { error in
            guard case .formErr(let gotID, _) = error as? QueryParseError else { return false }
            return gotID == id
        }
    }

    @Test func shortMessagesAreDropped() {
        for length in 0..<12 { Self.expectDrop(Array(M.header()[0..<length])) }
    }

    @Test func responsesAreDropped() {
        Self.expectDrop(M.header(flags: 0x8100) + M.question)
    }

    @Test func unknownOpcodeIsNotImp() throws {
        // Opcode 2 (STATUS) and 5 (UPDATE).
        for opcode: UInt16 in [2, 5] {
            let wire = M.header(flags: opcode << 11) + M.question
            #expect(throws: QueryParseError.notImp(id: 0x1234, reason: "opcode \(opcode) is not QUERY")) {
                try DNSQuery.parse(wire)
            }
        }
    }

    @Test func questionCountMustBeOne() {
        Self.expectFormErr(M.header(qd: 0))
        Self.expectFormErr(M.header(qd: 2) + M.question + M.question)
    }

    @Test func badLabelLength() {
        // 0x40 and 0x80 are label types, not lengths; 64 is over the limit.
        Self.expectFormErr(M.header() + [0x40] + Array(repeating: 0x61, count: 64) + [0] + M.u16(1) + M.u16(1))
        Self.expectFormErr(M.header() + [0x81, 0x61, 0] + M.u16(1) + M.u16(1))
    }

    @Test func labelRunningPastTheEnd() {
        Self.expectFormErr(M.header() + [10, 0x61, 0x62])
    }

    @Test func overlongQuestionName() {
        var name: [UInt8] = []
        for _ in 0..<5 { name += [63] + Array(repeating: 0x61, count: 63) } // 320 bytes
        Self.expectFormErr(M.header() + name + [0] + M.u16(1) + M.u16(1))
    }

    @Test func compressionPointerInQuestionIsFormErr() {
        Self.expectFormErr(M.header() + [0xC0, 12] + M.u16(1) + M.u16(1))
    }

    @Test func pointerLoopInRecord() {
        // Record owner at offset 29 points to itself; another case: two pointers pointing at each other.
        let base = M.header(ar: 1) + M.question
        Self.expectFormErr(base + [0xC0, UInt8(base.count)] + M.rr(type: 1, rdata: [1, 2, 3, 4]))
        let p = base.count
        Self.expectFormErr(base + [0xC0, UInt8(p + 2), 0xC0, UInt8(p)] + M.rr(type: 1, rdata: [1, 2, 3, 4]))
    }

    @Test func forwardPointerInRecord() {
        let base = M.header(ar: 1) + M.question
        Self.expectFormErr(base + [0xC0, UInt8(base.count + 2)] + M.rr(type: 1, rdata: [1, 2, 3, 4]))
    }

    @Test func pointerIntoHeaderInRecord() {
        Self.expectFormErr(M.header(ar: 1) + M.question + [0xC0, 2] + M.rr(type: 1, rdata: [1, 2, 3, 4]))
    }

    @Test func truncatedQuestionAndRecords() {
        let full = M.header(an: 1) + M.question + M.name("x") + M.rr(type: 1, rdata: [1, 2, 3, 4])
        // Every cut inside the question or the record is a FORMERR.
        for length in 12..<full.count { Self.expectFormErr(Array(full[0..<length])) }
        #expect(throws: Never.self) { try DNSQuery.parse(full) }
    }

    @Test func trailingGarbage() {
        Self.expectFormErr(M.header() + M.question + [0])
        Self.expectFormErr(M.header(ar: 1) + M.question + M.opt() + [1, 2, 3])
    }

    @Test func twoOPTRecords() {
        Self.expectFormErr(M.header(ar: 2) + M.question + M.opt() + M.opt())
    }

    @Test func optOwnerNotRoot() {
        Self.expectFormErr(M.header(ar: 1) + M.question + M.name("x") + M.rr(type: DNSType.opt, rrclass: 1232, ttl: 0, rdata: []))
    }

    @Test func optOutsideAdditional() {
        Self.expectFormErr(M.header(an: 1) + M.question + M.opt())
        Self.expectFormErr(M.header(ns: 1) + M.question + M.opt())
    }
}
