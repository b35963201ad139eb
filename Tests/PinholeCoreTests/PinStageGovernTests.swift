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

@Suite struct PinStageGovernRuleTests {
    /// PinStage applies the same `GovernRule` as the cgroup watcher: unprofiled
    /// apps with `enforceUnprofiled`, but not exempt units or pinholed itself.
    @Test func enforceUnprofiledGovernsDefaultProfileAppsButExemptOnes() throws {
        for (rule, profile, governs) in [
            (GovernRule(enforceUnprofiled: true), "default", true),
            (GovernRule(enforceUnprofiled: false), "default", false),
            (GovernRule(enforceUnprofiled: true, exempt: [try Glob("app-*.scope")]), "default", false),
            (GovernRule(enforceUnprofiled: true, ownCgroup: "app-a.scope"), "default", false),
            (GovernRule(enforceUnprofiled: true), "named", false),
        ] {
            let pinner = HeldPinner()
            let next = StubHandler { request in
                var result = QueryResult(wire: DNSMessageBuilder.errorReply(to: request.query, rcode: 3), rcode: 3, source: .upstream("u"))
                result.decision = PolicyDecision(
                    allowed: true, profile: profile, mode: .blockListed, reason: .modeDefault(.blockListed), reply: .null, considered: [])
                return result
            }
            PinStage(pinner: pinner, governRule: rule, next: next)
                .handle(try PinStageTests.request(app: StubResolver.identity), respond: Responses().respond)
            #expect(pinner.governed == (governs ? ["app-a.scope"] : []), "\(rule) \(profile)")
        }
    }
}
