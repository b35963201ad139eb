import Testing
@testable import PinholeCore

@Suite struct PolicyDeciderTests {
    static func hit(_ kind: RuleHit.Kind, _ line: Int = 1) -> RuleHit {
        RuleHit(kind: kind, rule: "\(kind.rawValue) rule", source: RuleSource(file: "f", line: line))
    }

    static func decide(_ kinds: [RuleHit.Kind], mode: PolicyMode = .blockListed) -> PolicyDecision {
        PolicyDecider.decide(hits: kinds.map { hit($0) }, mode: mode, profile: "p", reply: .null, registrable: "example.com")
    }

    @Test(arguments: [
        // The README's precedence, pairwise: the left kind wins.
        ([RuleHit.Kind.listBlock, .profileDeny, .profileAllow], false, RuleHit.Kind.profileDeny),
        ([.listBlock, .profileAllow], true, .profileAllow),
        ([.importantBlock, .profileAllow], true, .profileAllow),
        ([.listException, .importantBlock], false, .importantBlock),
        ([.listBlock, .listException], true, .listException),
        ([.listBlock], false, .listBlock),
    ])
    func precedence(kinds: [RuleHit.Kind], allowed: Bool, decidedBy: RuleHit.Kind) {
        let decision = Self.decide(kinds)
        #expect(decision.allowed == allowed)
        #expect(decision.reason == .rule(Self.hit(decidedBy)))
        #expect(decision.considered.first?.kind == decidedBy || decidedBy == .listException)
    }

    @Test func modeDefaults() {
        #expect(!Self.decide([], mode: .enforce).allowed)
        #expect(Self.decide([], mode: .enforce).reason == .modeDefault(.enforce))
        #expect(Self.decide([], mode: .blockListed).allowed)
        #expect(Self.decide([], mode: .learn).allowed)
        // off: not even a profile deny or a list applies.
        #expect(Self.decide([.profileDeny, .listBlock], mode: .off).allowed)
    }

    @Test func anExceptionDoesNotOpenEnforceMode() {
        let decision = Self.decide([.listException], mode: .enforce)
        #expect(!decision.allowed)
        #expect(decision.reason == .modeDefault(.enforce))
        #expect(Self.decide([.listException, .profileAllow], mode: .enforce).allowed)
    }

    @Test func firstPartyAllowsVendorDomainsOnly() {
        #expect(Self.decide([.vendor], mode: .firstParty).allowed)
        let other = Self.decide([], mode: .firstParty)
        #expect(!other.allowed)
        #expect(other.reason == .thirdParty(registrable: "example.com"))
        #expect(Self.decide([.profileAllow], mode: .firstParty).allowed)
        // Lists still apply to the vendor's own telemetry.
        #expect(!Self.decide([.vendor, .listBlock], mode: .firstParty).allowed)
    }

    @Test func consideredIsStrongestFirstAndKeepsOrderWithinAKind() {
        let hits = [Self.hit(.listBlock, 3), Self.hit(.profileAllow, 9), Self.hit(.listBlock, 1)]
        let decision = PolicyDecider.decide(hits: hits, mode: .blockListed, profile: "p", reply: .null, registrable: nil)
        #expect(decision.considered.map(\.source.line) == [9, 3, 1])
    }
}
