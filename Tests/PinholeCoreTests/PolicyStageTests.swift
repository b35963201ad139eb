import DNSWire
import Testing
@testable import PinholeCore

/// A policy blocking the names in `blocked` (and their subdomains) for every app.
struct StubPolicy: PolicyEvaluator {
    var blocked: Set<String> = []
    var guardRebinding = true
    var blockTTL: UInt32 = 10

    func decide(app: AppIdentity?, name: PolicyName, type: UInt16) -> PolicyDecision {
        let hit = name.selfAndParents.first { blocked.contains(String($0)) }.map {
            RuleHit(kind: .listBlock, rule: String($0), source: RuleSource(file: "stub.txt", line: 1, list: "stub"))
        }
        var decision = PolicyDecider.decide(
            hits: hit.map { [$0] } ?? [], mode: .blockListed, profile: "stub", reply: .nxdomain, registrable: nil)
        decision.guardsRebinding = guardRebinding
        return decision
    }
}

@Suite struct PolicyStageTests {
    static func answering(_ records: @escaping @Sendable (DNSQuery) -> [ResourceRecord]) -> StubHandler {
        StubHandler { request in
            let wire = DNSMessageBuilder.reply(to: request.query, answers: records(request.query))
            let response = try! DNSResponse.parse(wire)
            return QueryResult(wire: wire, rcode: 0, source: .upstream("u"), upstreamResponse: response)
        }
    }

    static func run(_ stage: PolicyStage, _ name: String, type: UInt16 = DNSType.a) throws -> QueryResult {
        let responses = Responses()
        stage.handle(Fixtures.request(try Fixtures.query(name, type: type)), respond: responses.respond)
        return try #require(responses.all.first)
    }

    @Test func aBlockedQuestionIsAnsweredHereWithItsDecision() throws {
        let next = Self.answering { _ in [.a("x", "192.0.2.1")] }
        let stage = PolicyStage(store: PolicyStore(StubPolicy(blocked: ["ads.example"])), next: next)
        let result = try Self.run(stage, "Tracker.ADS.example")
        #expect(next.calls == 0)
        #expect(result.rcode == DNSRcode.nxDomain)
        #expect(result.decision?.allowed == false)
        #expect(result.decision?.reason.description == "list entry ads.example (list stub (stub.txt:1))")
    }

    @Test func anAllowedQuestionGoesOnAndCarriesItsDecision() throws {
        let next = Self.answering { _ in [.a("www.example.com", "192.0.2.1")] }
        let stage = PolicyStage(store: PolicyStore(StubPolicy(blocked: ["ads.example"])), next: next)
        let result = try Self.run(stage, "www.example.com")
        #expect(next.calls == 1)
        #expect(result.rcode == DNSRcode.noError)
        #expect(result.decision?.allowed == true)
        #expect(result.decision?.reason == .modeDefault(.blockListed))
    }

    @Test func aBlockedNameInTheCNAMEChainBlocksTheAnswer() throws {
        let next = Self.answering { _ in [.cname("shop.example.com", "metrics.ads.example"), .a("metrics.ads.example", "192.0.2.9")] }
        let stage = PolicyStage(store: PolicyStore(StubPolicy(blocked: ["ads.example"])), next: next)
        let result = try Self.run(stage, "shop.example.com")
        #expect(next.calls == 1)
        #expect(result.rcode == DNSRcode.nxDomain)
        guard case .cname(let name, let because)? = result.decision?.reason else {
            Issue.record("not a CNAME decision: \(String(describing: result.decision?.reason))")
            return
        }
        #expect(name == "metrics.ads.example")
        #expect(because.reason.description.contains("ads.example"))
    }

    @Test func aPublicNameWithAnInternalAddressIsBlockedByTheRebindingGuard() throws {
        let next = Self.answering { query in [.a(DNSName.text(fromWire: query.question.name), "192.168.1.10")] }
        let guarded = PolicyStage(store: PolicyStore(StubPolicy()), next: next)
        let result = try Self.run(guarded, "evil.example.com")
        #expect(result.decision?.reason == .rebinding(address: "192.168.1.10"))
        #expect(result.decision?.allowed == false)
        // A local name may answer with a local address; so may any name when the guard is off.
        #expect(try Self.run(guarded, "printer.local").decision?.allowed == true)
        #expect(try Self.run(guarded, "nas.home.arpa").decision?.allowed == true)
        let unguarded = PolicyStage(store: PolicyStore(StubPolicy(guardRebinding: false)), next: next)
        #expect(try Self.run(unguarded, "evil.example.com").decision?.allowed == true)
    }

    @Test func aCachedAnswerIsCheckedFromItsStoredFacts() throws {
        let cache = DNSCache(now: FakeClock().now)
        let upstream = Self.answering { _ in [.cname("shop.example.com", "metrics.ads.example"), .a("metrics.ads.example", "192.0.2.9")] }
        var policy = StubPolicy()
        let store = PolicyStore(policy)
        let stage = PolicyStage(store: store, next: CacheStage(cache: cache, next: upstream))
        #expect(try Self.run(stage, "shop.example.com").decision?.allowed == true)
        // The list changes (a reload); the cached answer is now blocked by its alias.
        policy.blocked = ["ads.example"]
        store.replace(with: policy)
        let result = try Self.run(stage, "shop.example.com")
        #expect(upstream.calls == 1)
        #expect(result.decision?.allowed == false)
    }
}
