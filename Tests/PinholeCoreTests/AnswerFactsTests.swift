import DNSWire
import Testing
@testable import PinholeCore

@Suite struct AnswerFactsTests {
    /// An HTTPS answer with ipv4hint 192.0.2.8 and ipv6hint 2001:db8::9 (TTL 120) after an A record (TTL 300).
    static func reply() throws -> (query: DNSQuery, wire: [UInt8]) {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 9, name: "www.example.com", type: DNSType.https))
        let v6: [UInt8] = [0x20, 0x01, 0x0d, 0xb8] + Array(repeating: 0, count: 11) + [9]
        let https: [UInt8] = [0, 1, 0] + [0, 4, 0, 4, 192, 0, 2, 8] + [0, 6, 0, 16] + v6
        let wire = DNSMessageBuilder.reply(to: query, answers: [
            .a("www.example.com", "192.0.2.1", ttl: 300),
            .raw("www.example.com", DNSType.https, https, ttl: 120),
            .raw("www.example.com", DNSType.https, https, ttl: 120),  // the same hints again: one address each
        ])
        return (query, wire)
    }

    @Test func serviceHintsCountAsAddresses() throws {
        let facts = AnswerFacts(response: try DNSResponse.parse(try Self.reply().wire))
        #expect(facts.addresses == [IPAddress("192.0.2.1")!, IPAddress("192.0.2.8")!, IPAddress("2001:db8::9")!])
        #expect(facts.addressTTL == 120)
    }

    /// An app may connect to a hint without an A/AAAA lookup: the hints are pinned before the answer leaves.
    @Test func theHintsOfAnAllowedHTTPSAnswerArePinned() throws {
        let (_, wire) = try Self.reply()
        let pinner = HeldPinner()
        let next = StubHandler { _ in
            var result = QueryResult(wire: wire, rcode: 0, source: .upstream("u"), upstreamResponse: try! DNSResponse.parse(wire))
            result.decision = PolicyDecision(allowed: true, profile: "p", mode: .enforce, reason: .modeDefault(.enforce), reply: .null, considered: [])
            return result
        }
        PinStage(pinner: pinner, floorSeconds: 60, next: next).handle(try PinStageTests.request(app: StubResolver.identity), respond: Responses().respond)
        #expect(pinner.calls.first?.addresses == [IPAddress("192.0.2.1")!, IPAddress("192.0.2.8")!, IPAddress("2001:db8::9")!])
        #expect(pinner.calls.first?.seconds == 120)
    }
}
