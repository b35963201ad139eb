import Testing
import TestSupport
@testable import DNSWire

/// Dropping per-exchange EDNS options from replies before they are shared.
@Suite struct EDNSOptionTests {
    @Test func cookieAndPaddingAreDroppedExtendedErrorsKept() throws {
        let query = try DNSQuery.parse(
            DNSMessageBuilder.query(id: 1, name: "a.example", type: DNSType.a, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true)))
        var wire = DNSMessageBuilder.reply(to: query, answers: [.a("a.example", "192.0.2.1", ttl: 60)])
        wire = EDNSOptions.adding(
            [
                (DNSResponse.EDNSOption.cookie, Array(repeating: 0xAB, count: 24)),
                (DNSResponse.EDNSOption.extendedError, [0, 18]),
                (DNSResponse.EDNSOption.padding, [0, 0, 0]),
            ], to: wire)
        let response = try DNSResponse.parse(wire)
        #expect(response.optionsRange?.count == 28 + 6 + 7)

        let cleaned = response.removingEDNSOptions()
        let reparsed = try DNSResponse.parse(cleaned.wire)
        #expect(reparsed.optionsRange?.count == 6)
        #expect(Array(cleaned.wire.suffix(6)) == [0, 15, 0, 2, 0, 18])
        #expect(reparsed.edns?.dnssecOK == true)
        #expect(reparsed.ttlFields == response.ttlFields, "records before the OPT do not move")
        #expect(cleaned.wire.count == wire.count - 35)
    }

    @Test func repliesWithoutOptionsOrWithOPTNotLastAreUnchanged() throws {
        let query = try DNSQuery.parse(
            DNSMessageBuilder.query(id: 1, name: "a.example", type: DNSType.a, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false)))
        let plain = try DNSResponse.parse(DNSMessageBuilder.reply(to: query, answers: [.a("a.example", "192.0.2.1", ttl: 60)]))
        #expect(plain.removingEDNSOptions().wire == plain.wire)

        let noEDNS = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: "a.example", type: DNSType.a))
        let bare = try DNSResponse.parse(DNSMessageBuilder.reply(to: noEDNS))
        #expect(bare.optionsRange == nil)
        #expect(bare.removingEDNSOptions().wire == bare.wire)
    }
}
