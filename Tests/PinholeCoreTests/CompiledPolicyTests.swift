import DNSWire
import Testing
@testable import PinholeCore

/// A list matcher blocking the names in `entries` (subtree) for the list "ads".
struct StubLists: ListMatcher {
    var entries: [String: Int]  // name → line

    func hits(for name: PolicyName, type: UInt16, lists: Set<String>) -> [RuleHit] {
        guard lists.contains("ads") else { return [] }
        return name.selfAndParents.compactMap { part in
            entries[String(part)].map { RuleHit(kind: .listBlock, rule: String(part), source: RuleSource(file: "ads.txt", line: $0, list: "ads")) }
        }
    }
}

@Suite struct CompiledPolicyTests {
    static func source(_ line: Int, _ file: String) -> RuleSource { RuleSource(file: file, line: line) }

    static func profile(_ name: String, unit: String, mode: PolicyMode, allow: [String] = [], deny: [String] = [], vendor: [String] = []) throws -> AppProfile {
        let file = "/apps.d/\(name).toml"
        return AppProfile(
            name: name, file: file, match: ProfileMatch(units: [Sourced(try Glob(unit), source(1, file))]), mode: mode,
            allow: DomainRuleSet(try allow.map { try DomainRule(parsing: $0, source: source(2, file)) }),
            deny: DomainRuleSet(try deny.map { try DomainRule(parsing: $0, source: source(3, file)) }),
            vendor: vendor.map { Sourced(PolicyName($0)!, source(4, file)) },
            lists: [Sourced("ads", source(5, file))])
    }

    static func app(_ unit: String, exe: String = "/usr/bin/client") -> AppIdentity {
        AppIdentity(
            key: unit, pid: 100, startTime: 1, executable: exe, executableState: .present, commandLine: [], ancestors: [],
            uid: 1000, userName: "alice", cgroupPath: "/\(unit)", unit: unit, userUnit: nil, slice: nil, flatpakID: nil, snapName: nil)
    }

    static func policy() throws -> CompiledPolicy {
        CompiledPolicy(
            profiles: ProfileSet(profiles: [
                try profile("a", unit: "app-a.scope", mode: .enforce, allow: ["example.com"]),
                try profile("b", unit: "app-b.scope", mode: .blockListed, deny: ["=example.com"]),
                try profile("c", unit: "app-c.scope", mode: .firstParty, vendor: ["vendor.example"]),
            ]),
            lists: StubLists(entries: ["ads.example": 7, "tracker.example.com": 9]),
            registrable: { name in
                let labels = name.text.split(separator: ".")
                return labels.count >= 2 ? PolicyName(labels.suffix(2).joined(separator: ".")) : nil
            })
    }

    static func decide(_ policy: CompiledPolicy, _ app: AppIdentity?, _ name: String) -> PolicyDecision {
        policy.decide(app: app, name: PolicyName(name)!, type: DNSType.a)
    }

    @Test func twoAppsGetDifferentAnswersForTheSameNames() throws {
        let policy = try Self.policy()
        let a = Self.app("app-a.scope"), b = Self.app("app-b.scope")
        // a: enforce with example.com allowed; b: block-listed, example.com itself denied.
        #expect(Self.decide(policy, a, "www.example.com").allowed)
        #expect(Self.decide(policy, b, "www.example.com").allowed)
        #expect(Self.decide(policy, a, "example.com").allowed)
        let denied = Self.decide(policy, b, "example.com")
        #expect(!denied.allowed && denied.profile == "b")
        #expect(denied.reason.description == "profile deny =example.com (/apps.d/b.toml:3)")
        let other = Self.decide(policy, a, "other.org")
        #expect(!other.allowed && other.reason == .modeDefault(.enforce))
        #expect(Self.decide(policy, b, "other.org").allowed)
    }

    @Test func listsApplyUnlessTheProfileAllows() throws {
        let policy = try Self.policy()
        let listed = Self.decide(policy, Self.app("app-b.scope"), "cdn.ads.example")
        #expect(!listed.allowed)
        #expect(listed.reason.description == "list entry ads.example (list ads (ads.txt:7))")
        // Profile allow beats the list: tracker.example.com is under a's allowed example.com.
        let allowed = Self.decide(policy, Self.app("app-a.scope"), "tracker.example.com")
        #expect(allowed.allowed && allowed.considered.map(\.kind) == [.profileAllow, .listBlock])
    }

    @Test func unknownAppsGetTheDefaultProfile() throws {
        let decision = Self.decide(try Self.policy(), nil, "example.com")
        #expect(decision.profile == "default" && decision.allowed)
    }

    @Test func firstPartyAllowsTheVendorsRegistrableDomainsOnly() throws {
        let policy = try Self.policy()
        let c = Self.app("app-c.scope")
        #expect(Self.decide(policy, c, "api.vendor.example").allowed)
        let third = Self.decide(policy, c, "cdn.other.net")
        #expect(!third.allowed && third.reason == .thirdParty(registrable: "other.net"))
    }

    @Test func specialNamesComeFirst() throws {
        let decision = Self.decide(try Self.policy(), Self.app("app-a.scope"), "use-application-dns.net")
        #expect(!decision.allowed && decision.reply == .nxdomain)
        guard case .special = decision.reason else {
            Issue.record("not special: \(decision.reason)")
            return
        }
    }
}
