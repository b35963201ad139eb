import Testing
@testable import DNSWire

@Suite struct AnswerRecordTests {
    typealias M = RawMessage

    @Test func aCNAMEChainWithAddressesIsReadInOrder() throws {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: "WWW.Example.com", type: DNSType.a))
        let wire = DNSMessageBuilder.reply(to: query, answers: [
            .cname("www.example.com", "Tracker.Cloak.NET", ttl: 300),
            .a("tracker.cloak.net", "192.0.2.7", ttl: 60),
            .aaaa("tracker.cloak.net", "2001:db8::1", ttl: 61),
            .txt("tracker.cloak.net", ["x"], ttl: 5),
        ])
        let records = try DNSResponse.parse(wire).answerRecords()
        #expect(records.map(\.type) == [DNSType.cname, DNSType.a, DNSType.aaaa, DNSType.txt])
        #expect(records.map { DNSName.text(fromWire: $0.name) } == [
            "www.example.com.", "tracker.cloak.net.", "tracker.cloak.net.", "tracker.cloak.net.",
        ])
        #expect(records[0].target.map(DNSName.text(fromWire:)) == "tracker.cloak.net.")
        #expect(records[1].address == [192, 0, 2, 7])
        #expect(records[2].address == [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [1])
        #expect(records[3].address == nil && records[3].target == nil)
        #expect(records.map(\.ttl) == [300, 60, 61, 5])
    }

    /// Real servers compress: the owner points at the question, the CNAME
    /// target reuses a suffix of it.
    @Test func compressedNamesAreExpanded() throws {
        // Question "www.example.com" at 12: 3 www (12) 7 example (16) 3 com (24) 0 (28).
        let question = M.name("www", "example", "com") + M.u16(1) + M.u16(1)
        let cname = [0xC0, 12] + M.rr(type: DNSType.cname, rdata: [4] + Array("edge".utf8) + [0xC0, 16])
        let wire = M.header(flags: 0x8180, an: 1) + question + cname
        let records = try DNSResponse.parse(wire).answerRecords()
        #expect(records.count == 1)
        #expect(records.first.map { DNSName.text(fromWire: $0.name) } == "www.example.com.")
        #expect(records.first?.target.map(DNSName.text(fromWire:)) == "edge.example.com.")
    }

    @Test func noAnswersNoRecords() throws {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: "example.com", type: DNSType.a))
        let wire = DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.nxDomain)
        #expect(try DNSResponse.parse(wire).answerRecords().isEmpty)
    }

    /// An HTTPS/SVCB record: priority, target ".", then SvcParams.
    static func service(priority: UInt16 = 1, params: [UInt8]) -> [UInt8] {
        M.u16(priority) + [0] + params
    }

    @Test func httpsAndSVCBHintsAreRead() throws {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: "www.example.com", type: DNSType.https))
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [9]
        // alpn "h2", ipv4hint 192.0.2.8 and 192.0.2.9, ipv6hint 2001:db8::9.
        let https = Self.service(params: [0, 1, 0, 3, 2, 0x68, 0x32] + [0, 4, 0, 8, 192, 0, 2, 8, 192, 0, 2, 9] + [0, 6, 0, 16] + v6)
        let svcb = Self.service(params: [0, 4, 0, 4, 198, 51, 100, 7])
        let alias = Self.service(priority: 0, params: [])
        let broken = Self.service(params: [0, 4, 0, 5, 192, 0, 2, 1, 1])  // ipv4hint of 5 bytes
        let wire = DNSMessageBuilder.reply(to: query, answers: [
            .raw("www.example.com", DNSType.https, https, ttl: 300),
            .raw("www.example.com", DNSType.svcb, svcb, ttl: 200),
            .raw("www.example.com", DNSType.https, alias, ttl: 100),
            .raw("www.example.com", DNSType.https, broken, ttl: 100),
        ])
        let records = try DNSResponse.parse(wire).answerRecords()
        #expect(records.map(\.hints) == [[[192, 0, 2, 8], [192, 0, 2, 9], v6], [[198, 51, 100, 7]], [], []])
        #expect(records.allSatisfy { $0.address == nil })
    }
}
