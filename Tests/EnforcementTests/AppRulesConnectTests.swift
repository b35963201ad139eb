import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// `interfaces`, `interface_owners`, `allow_cidrs` and per-app blocked
/// counters at work: programs in cgroups of a private namespace dial
/// addresses behind two veths, pinhole0 (10.77.0.0/24) and pinhole2
/// (10.78.0.0/24). Nobody answers there, so a connect that is let through
/// is still waiting when `timeout` kills it, and a refused one fails at once.
@Suite struct AppRulesConnectTests {
    static func connect(_ ns: NamespacedThread, _ cgroup: String, _ address: String) throws -> String {
        let result = try ns.shell(EnforcementConnectTests.connectScript(cgroup, to: address))
        if result.status == EnforcementConnectTests.letThrough { return "through" }
        return result.output.contains("Connection refused") ? "refused" : "other: \(result.status) \(result.output)"
    }

    static func twoInterfaces(_ ns: NamespacedThread) throws {
        let veths = try ns.shell("""
            ip link add pinhole0 type veth peer name pinhole1 && ip addr add 10.77.0.1/24 dev pinhole0 \
            && ip link set pinhole0 up && ip link set pinhole1 up \
            && ip link add pinhole2 type veth peer name pinhole3 && ip addr add 10.78.0.1/24 dev pinhole2 \
            && ip link set pinhole2 up && ip link set pinhole3 up
            """)
        try #require(veths.status == 0, "veth: \(veths.output)")
    }

    @Test func interfacesAndOwnersDecideWhichInterfaceAnAppMayUse() throws {
        let ns = try NamespacedThread()
        try Self.twoInterfaces(ns)
        let owners = InterfaceOwners(["pinhole2": [try Glob("*-vpn.scope")]])
        let (rules, restricted, vpn, other) = try ns.run { () throws -> (NftablesAppRules, String, String, String) in
            let nft = try Nftables()
            try EnforcementTable(ownedInterfaces: owners.interfaces).create(with: nft)
            return (try NftablesAppRules(owners: owners), try makeCgroup("only0.scope"), try makeCgroup("a-vpn.scope"),
                    try makeCgroup("other.scope"))
        }
        defer { _ = try? ns.run { removeCgroup(restricted); removeCgroup(vpn); removeCgroup(other) } }

        // The owned interface refuses everyone until an owner is seen.
        #expect(try Self.connect(ns, vpn, "10.78.0.2") == "refused")
        #expect(try Self.connect(ns, restricted, "10.77.0.2") == "through")

        let sent = try ns.run { () throws -> [Bool] in
            [try rules.apply(cgroupPath: restricted, rules: AppNetworkRules(interfaces: ["pinhole0"])),
             try rules.apply(cgroupPath: vpn, rules: .none),
             try rules.apply(cgroupPath: other, rules: .none),
             try rules.apply(cgroupPath: vpn, rules: .none)]
        }
        // Nothing to send for an app with no rules that owns nothing, nor for a repeat.
        #expect(sent == [true, true, false, false])

        #expect(try Self.connect(ns, restricted, "10.77.0.2") == "through")
        #expect(try Self.connect(ns, restricted, "10.78.0.2") == "refused")
        #expect(try Self.connect(ns, vpn, "10.78.0.2") == "through")
        #expect(try Self.connect(ns, vpn, "10.77.0.2") == "through")
        #expect(try Self.connect(ns, other, "10.78.0.2") == "refused")
        #expect(try Self.connect(ns, other, "10.77.0.2") == "through")

        // A reload lifting the restriction takes the entries out again.
        let status = try ns.run { () throws -> EnforcementStatus in
            try rules.apply(cgroupPath: restricted, rules: .none)
            return try EnforcementStatus.read(with: Nftables())
        }
        #expect(try Self.connect(ns, restricted, "10.78.0.2") == "refused")  // not an owner
        #expect(status.apps.first { $0.cgroup == String(vpn.dropFirst()) }?.owns == ["pinhole2"])
        #expect(status.apps.contains { $0.cgroup == String(restricted.dropFirst()) && !$0.interfaces.isEmpty } == false)
        #expect(status.totals.interfaceRefused == 3)
    }

    @Test func staticRangesAreReachableAndBlockedConnectsAreCountedPerApp() throws {
        let ns = try NamespacedThread()
        try Self.twoInterfaces(ns)
        let (rules, governed, app, quiet) = try ns.run { () throws -> (NftablesAppRules, GovernedSet, String, String) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            return (try NftablesAppRules(), try GovernedSet(), try makeCgroup("printer.scope"), try makeCgroup("quiet.scope"))
        }
        defer { _ = try? ns.run { removeCgroup(app); removeCgroup(quiet) } }
        let lan = AppNetworkRules(allowCIDRs: [try CIDRBlock(parsing: "10.77.0.0/24"), try CIDRBlock(parsing: "10.77.0.2"),
                                               try CIDRBlock(parsing: "2001:db8::/64")])
        try ns.run {
            try governed.govern(app)
            try governed.govern(quiet)
            try rules.apply(cgroupPath: app, rules: lan)
        }
        #expect(try Self.connect(ns, app, "10.77.0.2") == "through")
        #expect(try Self.connect(ns, app, "10.77.0.99") == "through")
        #expect(try Self.connect(ns, app, "10.78.0.2") == "refused")
        #expect(try Self.connect(ns, app, "10.78.0.3") == "refused")
        let udp = try ns.shell("echo $$ > /sys/fs/cgroup\(app)/cgroup.procs && exec bash -c 'echo x > /dev/udp/10.78.0.2/53'")
        #expect(udp.output.contains("Operation not permitted"))

        let status = try ns.run { try EnforcementStatus.read(with: Nftables()) }
        let row = status.apps.first { $0.cgroup == String(app.dropFirst()) }
        // Two refused TCP connects and one UDP datagram, on this app's element only.
        #expect(row?.blocked == 3)
        #expect(row?.governed == true)
        #expect(row?.staticRanges.sorted() == ["10.77.0.0/24", "2001:db8::/64"])
        #expect(status.apps.first { $0.cgroup == String(quiet.dropFirst()) }?.blocked == 0)
        #expect(status.totals.governed == 2 && status.totals.blocked == 3)

        // The range goes with the profile's allow_cidrs.
        #expect(try ns.run { try rules.apply(cgroupPath: app, rules: .none) })
        #expect(try Self.connect(ns, app, "10.77.0.2") == "refused")
    }

    @Test func statusSaysWhenThereIsNoTable() throws {
        let ns = try NamespacedThread()
        let error = try ns.run { () throws -> NftablesError? in
            do { _ = try EnforcementStatus.read(with: Nftables()) } catch let error as NftablesError { return error }
            return nil
        }
        #expect(error?.message.contains("enforcement is off or pinholed is not running") == true)
    }
}
