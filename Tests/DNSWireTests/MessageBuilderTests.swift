import Testing
@testable import DNSWire

@Suite struct MessageBuilderTests {
    typealias M = RawMessage

    static func query(_ name: String = "WwW.Example.com", type: UInt16 = DNSType.a, cd: Bool = false, edns: EDNSInfo? = nil) throws -> DNSQuery {
        try DNSQuery.parse(DNSMessageBuilder.query(id: 0xA1B2, name: name, type: type, checkingDisabled: cd, edns: edns))
    }

    // MARK: upstreamQuery

    @Test func upstreamQueryChangesOnlyIDAndPayloadSize() throws {
        let q = try Self.query(edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true))
        let up = DNSMessageBuilder.upstreamQuery(from: q, id: 0x0102)
        #expect(up.count == q.wire.count)
        #expect(M.u16(at: 0, in: up) == 0x0102)
        let opt = try #require(q.optOffset)
        #expect(M.u16(at: opt + 3, in: up) == 1232)
        for i in 2..<up.count where i != opt + 3 && i != opt + 4 {
            #expect(up[i] == q.wire[i], "byte \(i) changed")
        }
        let reparsed = try DNSQuery.parse(up)
        #expect(reparsed.edns == EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        #expect(reparsed.question == q.question)
        #expect(M.u16(at: opt + 3, in: DNSMessageBuilder.upstreamQuery(from: q, id: 1, advertisedPayloadSize: 1400)) == 1400)
    }

    @Test func upstreamQueryWithOptNotLastKeepsOtherRecords() throws {
        let wire = M.header(ar: 2) + M.question + M.opt(payload: 512, ttl: 0x8000) + M.name("x") + M.rr(type: 99, rdata: [7])
        let q = try DNSQuery.parse(wire)
        let up = DNSMessageBuilder.upstreamQuery(from: q, id: 9)
        #expect(up[0...1] == [0, 9])
        #expect(Array(up[2...]) == Array(wire[2...]).enumerated().map { i, b in
            i + 2 == q.optOffset! + 3 ? 0x04 : (i + 2 == q.optOffset! + 4 ? 0xD0 : b)
        })
    }

    @Test func upstreamQueryWithoutEDNSChangesOnlyID() throws {
        let q = try Self.query()
        let up = DNSMessageBuilder.upstreamQuery(from: q, id: 0xFFFF)
        #expect(up[0...1] == [0xFF, 0xFF])
        #expect(up[2...] == q.wire[2...])
    }

    // MARK: errorReply / formErr / headerReply

    @Test func errorReplyWithoutEDNS() throws {
        let q = try Self.query(cd: true)
        let wire = DNSMessageBuilder.errorReply(to: q, rcode: DNSRcode.servFail)
        let r = try DNSResponse.parse(wire)
        #expect(r.id == q.id)
        #expect(r.rcode == DNSRcode.servFail)
        #expect(r.edns == nil)
        #expect(M.u16(at: 10, in: wire) == 0) // arcount
        #expect(r.flags & 0x0100 != 0) // RD copied
        #expect(r.flags & 0x0080 != 0) // RA
        #expect(r.flags & 0x0010 != 0) // CD copied
        #expect(r.question == q.question)
        // Question echoed in the client's case.
        #expect(Array(wire[12..<q.questionEnd]) == Array(q.wire[12..<q.questionEnd]))
        #expect(wire.count == q.questionEnd)
    }

    @Test func errorReplyBADVERSUsesExtendedRcodeAndCopiesDO() throws {
        let q = try DNSQuery.parse(M.header(ar: 1) + M.question + M.opt(payload: 4096, ttl: 0x0001_8000)) // version 1, DO
        let wire = DNSMessageBuilder.errorReply(to: q, rcode: 16)
        let r = try DNSResponse.parse(wire)
        #expect(r.rcode == 16)
        #expect(r.flags & 0x000F == 0)
        #expect(r.edns == EDNSInfo(udpPayloadSize: 1232, dnssecOK: true, version: 0, extendedRcodeHigh: 1))
    }

    @Test func errorReplyWithoutDO() throws {
        let q = try Self.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        let r = try DNSResponse.parse(DNSMessageBuilder.errorReply(to: q, rcode: DNSRcode.refused))
        #expect(r.edns?.dnssecOK == false)
        #expect(r.rcode == DNSRcode.refused)
    }

    @Test func formErrKeepsIDAndOpcode() throws {
        let flags: UInt16 = 0x0100 | (3 << 11)
        let wire = DNSMessageBuilder.formErr(id: 0x7777, queryFlags: flags)
        #expect(wire.count == 12)
        let r = try DNSResponse.parse(wire)
        #expect(r.id == 0x7777)
        #expect(r.rcode == DNSRcode.formErr)
        #expect((r.flags >> 11) & 0xF == 3)
        #expect(r.question == nil)
        #expect(wire[4...] == [0, 0, 0, 0, 0, 0, 0, 0])
    }

    @Test func notImpReplyForUnknownOpcode() throws {
        let query = M.header(flags: 2 << 11) + M.question
        guard case .notImp(let id, _) = try #require(throws: QueryParseError.self, performing: { try DNSQuery.parse(query) }) else {
            Issue.record("not NOTIMP")
            return
        }
        let r = try DNSResponse.parse(DNSMessageBuilder.headerReply(id: id, queryFlags: M.u16(at: 2, in: query), rcode: DNSRcode.notImp))
        #expect(r.id == 0x1234)
        #expect(r.rcode == DNSRcode.notImp)
    }

    // MARK: reply

    @Test func replyEchoesQueryAndSetsFlags() throws {
        let q = try Self.query(cd: true, edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true))
        let wire = DNSMessageBuilder.reply(to: q, rcode: 0, answers: [.a("www.example.com", "1.2.3.4")], authoritative: true, truncated: true)
        let r = try DNSResponse.parse(wire)
        #expect(r.flags & 0x0400 != 0) // AA
        #expect(r.truncated)
        #expect(r.flags & 0x0010 != 0)
        #expect(r.edns == EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        #expect(Array(wire[12..<q.questionEnd]) == Array(q.wire[12..<q.questionEnd]))
        #expect(M.u16(at: 10, in: wire) == 1)
    }

    // MARK: fitForUDP

    static func bigReply(edns: EDNSInfo?) throws -> (DNSQuery, [UInt8]) {
        let q = try Self.query(type: DNSType.txt, edns: edns)
        let strings = (0..<30).map { String(repeating: Character(String($0 % 10)), count: 200) }
        let wire = DNSMessageBuilder.reply(to: q, answers: [.txt("www.example.com", strings)],
                                           authority: [.soa("example.com", mname: "a", rname: "b")],
                                           additional: [.a("ns.example.com", "192.0.2.1")])
        return (q, wire)
    }

    @Test func fitForUDPLeavesSmallRepliesAlone() throws {
        let (_, wire) = try Self.bigReply(edns: nil)
        #expect(DNSMessageBuilder.fitForUDP(wire, limit: wire.count) == wire)
        #expect(DNSMessageBuilder.fitForUDP(wire, limit: 65535) == wire)
    }

    @Test(arguments: [512, 1232])
    func fitForUDPTruncatesKeepingQuestionAndOPT(limit: Int) throws {
        let (q, wire) = try Self.bigReply(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        #expect(wire.count > limit)
        let fit = DNSMessageBuilder.fitForUDP(wire, limit: limit)
        #expect(fit.count <= limit)
        let r = try DNSResponse.parse(fit)
        #expect(r.truncated)
        #expect(r.id == q.id)
        #expect(r.answerCount == 0)
        #expect(M.u16(at: 4, in: fit) == 1)
        #expect(M.u16(at: 8, in: fit) == 0)
        #expect(M.u16(at: 10, in: fit) == 1)
        #expect(r.question == q.question)
        #expect(r.edns == EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        #expect(fit.count == q.questionEnd + 11)
        // Other header flags unchanged.
        #expect(fit[2] & ~0x02 == wire[2] & ~0x02)
        #expect(fit[3] == wire[3])
    }

    @Test func fitForUDPWithoutOPT() throws {
        let (q, wire) = try Self.bigReply(edns: nil)
        let fit = DNSMessageBuilder.fitForUDP(wire, limit: 512)
        let r = try DNSResponse.parse(fit)
        #expect(r.truncated)
        #expect(r.edns == nil)
        #expect(M.u16(at: 10, in: fit) == 0)
        #expect(fit.count == q.questionEnd)
    }

    @Test func fitForUDPNeverExceedsLimitEvenWhenTheQuestionDoesNotFit() throws {
        let (q, wire) = try Self.bigReply(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        let fit = DNSMessageBuilder.fitForUDP(wire, limit: q.questionEnd + 5) // room for the question, not the OPT
        #expect(fit.count == q.questionEnd)
        #expect(M.u16(at: 10, in: fit) == 0)
        let tiny = DNSMessageBuilder.fitForUDP(wire, limit: 20)
        #expect(tiny.count == 12)
        #expect(M.u16(at: 4, in: tiny) == 0)
        #expect(try DNSResponse.parse(tiny).truncated)
    }

    @Test func fitForUDPOnGarbageStillTruncates() {
        let garbage = M.header(flags: 0x8180, an: 3) + Array(repeating: 0xC0, count: 600)
        let fit = DNSMessageBuilder.fitForUDP(garbage, limit: 512)
        #expect(fit.count == 12)
        #expect(fit[2] & 0x02 != 0)
    }
}
