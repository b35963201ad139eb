import Testing
@testable import DNSWire

@Suite struct SmokeTests {
    @Test func queryReplyRoundTrip() throws {
        let wire = try DNSMessageBuilder.query(id: 7, name: "WWW.Example.com", type: DNSType.a, edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true))
        let q = try DNSQuery.parse(wire)
        #expect(DNSName.text(fromWire: q.question.name) == "www.example.com.")
        #expect(q.edns?.dnssecOK == true)
        let reply = DNSMessageBuilder.reply(to: q, answers: [.a("www.example.com", "1.2.3.4", ttl: 60)], authority: [.soa("example.com", mname: "ns.example.com", rname: "h.example.com", minimum: 30)])
        let r = try DNSResponse.parse(reply)
        #expect(r.answerCount == 1)
        #expect(r.negativeTTL == 30)
        #expect(r.ttlFields.count == 2)
        var bad = reply
        let idx = r.ttlFields[0].offset + 4 // rdlength
        bad[idx + 1] = 3
        bad.remove(at: idx + 2)
        #expect(throws: ResponseParseError.self) { try DNSResponse.parse(bad) }
        do { _ = try DNSResponse.parse(bad) } catch { print(error) }
    }
}
