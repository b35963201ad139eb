import DNSWire
import Testing
@testable import PinholeCore

@Suite struct PinStageGovernTests {
    @Test func enforceAndFirstPartyAppsAreGovernedOthersAreNot() throws {
        for (mode, governs) in [(PolicyMode.enforce, true), (.firstParty, true), (.blockListed, false), (.learn, false)] {
            let pinner = HeldPinner()
            let next = StubHandler { request in
                var result = QueryResult(wire: DNSMessageBuilder.errorReply(to: request.query, rcode: 3), rcode: 3, source: .upstream("u"))
                result.decision = PolicyDecision(allowed: true, profile: "p", mode: mode, reason: .modeDefault(mode), reply: .null, considered: [])
                return result
            }
            PinStage(pinner: pinner, next: next).handle(try PinStageTests.request(app: StubResolver.identity), respond: Responses().respond)
            #expect(pinner.governed == (governs ? ["app-a.scope"] : []), "\(mode)")
        }
    }
}
