import DNSWire
import Synchronization
import Testing
@testable import PinholeCore

/// Records `restrict` calls (the other Pinner calls do nothing here).
final class RestrictionRecorder: Pinner {
    private let calls = Mutex<[(String, AppNetworkRules)]>([])
    var restrictions: [(cgroup: String, rules: AppNetworkRules)] { calls.withLock { $0.map { ($0.0, $0.1) } } }
    func govern(cgroupPath: String) {}
    func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) { completion() }
    func restrict(cgroupPath: String, rules: AppNetworkRules) { calls.withLock { $0.append((cgroupPath, rules)) } }
}

@Suite struct AppNetworkRulesTests {
    static let source = RuleSource(file: "printer.toml", line: 3)

    @Test func rulesComeFromTheProfileWithoutDuplicates() throws {
        let profile = AppProfile(
            name: "printer",
            allowCIDRs: [Sourced(try CIDRBlock(parsing: "192.0.2.0/24"), Self.source), Sourced(try CIDRBlock(parsing: "192.0.2.0/24"), Self.source)],
            interfaces: [Sourced("wg0", Self.source), Sourced("eth0", Self.source), Sourced("wg0", Self.source)])
        let rules = AppNetworkRules(profile: profile)
        #expect(rules.interfaces == ["wg0", "eth0"])
        #expect(rules.allowCIDRs.map(\.description) == ["192.0.2.0/24"])
        #expect(AppNetworkRules(profile: AppProfile(name: "plain")).isEmpty)
    }

    @Test func ownersAreMatchedOnTheUnitOfTheAppCgroup() throws {
        let owners = InterfaceOwners(["wg0": [try Glob("vpn.service"), try Glob("accounting*.service")], "eth1": [try Glob("vpn.service")]])
        #expect(owners.interfaces == ["eth1", "wg0"])
        #expect(owners.interfaces(ownedByCgroup: "system.slice/vpn.service") == ["eth1", "wg0"])
        #expect(owners.interfaces(ownedByCgroup: "/system.slice/accounting-2.service") == ["wg0"])
        #expect(owners.interfaces(ownedByCgroup: "system.slice/vpn.service.d") == [])
        #expect(owners.interfaces(ownedByCgroup: "") == [])
    }

    @Test func decisionsCarryTheProfileRules() throws {
        let profile = AppProfile(
            name: "shop", match: ProfileMatch(), mode: .enforce,
            allowCIDRs: [Sourced(try CIDRBlock(parsing: "10.0.0.0/8"), Self.source)], interfaces: [Sourced("wg0", Self.source)])
        let policy = CompiledPolicy(profiles: ProfileSet(profiles: [], defaultProfile: profile), lists: StubLists(entries: [:]))
        let decision = policy.decide(app: StubResolver.identity, name: try #require(PolicyName("a.example")), type: 1)
        #expect(decision.network == AppNetworkRules(profile: profile))
    }

    @Test func thePinStageRestrictsEveryAttributedAppBlockedOrNot() throws {
        let rules = AppNetworkRules(interfaces: ["wg0"])
        for allowed in [true, false] {
            let pinner = RestrictionRecorder()
            let next = StubHandler { request in
                var result = QueryResult(wire: DNSMessageBuilder.errorReply(to: request.query, rcode: 3), rcode: 3, source: .upstream("u"))
                var decision = PolicyDecision(allowed: allowed, profile: "p", mode: .blockListed, reason: .modeDefault(.blockListed), reply: .null, considered: [])
                decision.network = rules
                result.decision = decision
                return result
            }
            PinStage(pinner: pinner, next: next).handle(try PinStageTests.request(app: StubResolver.identity), respond: Responses().respond)
            #expect(pinner.restrictions.map(\.cgroup) == ["app-a.scope"])
            #expect(pinner.restrictions.first?.rules == rules)
        }
        // Unattributed: no cgroup, nothing to restrict.
        let pinner = RestrictionRecorder()
        PinStage(pinner: pinner, next: PinStageTests.answering(ttl: 60)).handle(try PinStageTests.request(app: nil), respond: Responses().respond)
        #expect(pinner.restrictions.isEmpty)
    }
}
