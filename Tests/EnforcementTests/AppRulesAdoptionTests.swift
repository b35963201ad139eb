import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// A restarted pinholed takes over the app-rule elements the earlier one
/// left (`NftablesAppRules.adopt`): the table is built again without
/// emptying them, a gone cgroup's are deleted, the first `apply` for a
/// cgroup deletes what its rules no longer say (and sends nothing when they
/// are unchanged), a cgroup still waiting for its decision gets the owned
/// interfaces of the config as it is now, and `dropUnclaimed` removes what
/// nothing applied since, except what it is told to keep.
/// Read back with netlink dumps.
@Suite struct AppRulesAdoptionTests {
    @Test func adoptedEntriesAreReconciledByTheFirstApplyAndUnclaimedOnesDropped() throws {
        let ns = try NamespacedThread()
        let earlierOwners = InterfaceOwners(["wg-old": [try Glob("*-adopt-d.scope")]])
        let owners = InterfaceOwners(["wg-own": [try Glob("*-adopt-a.scope")], "wg-new": [try Glob("*-adopt-d.scope")]])
        func blocks(_ texts: [String]) throws -> [CIDRBlock] { try texts.map(CIDRBlock.init(parsing:)) }
        let outcome = try ns.run { () throws -> [String: String] in
            let table = EnforcementTable(ownedInterfaces: owners.interfaces)
            try table.create(with: Nftables())
            let a = try makeCgroup("adopt-a.scope")
            let b = try makeCgroup("adopt-b.scope")
            let c = try makeCgroup("adopt-c.scope")
            let d = try makeCgroup("adopt-d.scope")
            let gone = try makeCgroup("adopt-gone.scope")
            defer { removeCgroup(a); removeCgroup(b); removeCgroup(c); removeCgroup(d) }
            let ids = try CgroupIds()
            let (idA, idB, idC, idD) = (try ids.id(of: a), try ids.id(of: b), try ids.id(of: c), try ids.id(of: d))
            // "An earlier pinholed", gone with its memory.
            do {
                let rules = try NftablesAppRules(ids: ids, owners: owners)
                try rules.apply(cgroupPath: a, rules: AppNetworkRules(interfaces: ["eth0", "wg0"], allowCIDRs: blocks(["10.77.0.0/24", "2001:db8::/64"])))
                try rules.apply(cgroupPath: b, rules: AppNetworkRules(interfaces: ["wg0", "eth1"], allowCIDRs: blocks(["2001:db8:1::/127", "192.0.2.7"])))
                try rules.apply(cgroupPath: c, rules: AppNetworkRules(allowCIDRs: blocks(["198.51.100.0/25"])))
                try rules.apply(cgroupPath: gone, rules: AppNetworkRules(interfaces: ["eth0"], allowCIDRs: blocks(["10.9.0.0/16"])))
                try NftablesAppRules(ids: ids, owners: earlierOwners).apply(cgroupPath: d, rules: AppNetworkRules(interfaces: ["eth0"]))
            }
            removeCgroup(gone)
            // The next start builds the table again: the elements stay.
            try table.create(with: Nftables())
            let writer = try NetlinkSetWriter()
            func held() throws -> String {
                var lines: [String] = []
                for kind in [SetElement.Kind.restricted, .ifaces, .owners, .static4, .static6] {
                    for element in try writer.elements(of: kind) {
                        let who = [idA: "a", idB: "b", idC: "c", idD: "d"][element.cgroup] ?? "?"
                        let detail = element.interface ?? element.block?.description
                        lines.append(["\(kind.rawValue) \(who)", detail].compactMap(\.self).joined(separator: " "))
                    }
                }
                return lines.sorted().joined(separator: "\n")
            }
            let rules = try NftablesAppRules(ids: ids, owners: owners)
            let adopted = try rules.adopt()
            let afterAdopt = try held()
            // a loses eth0 and its v6 range; b's rules are unchanged (given in another order).
            let changedA = try rules.apply(cgroupPath: a, rules: AppNetworkRules(interfaces: ["wg0"], allowCIDRs: blocks(["10.77.0.0/24"])))
            let changedB = try rules.apply(cgroupPath: b, rules: AppNetworkRules(interfaces: ["eth1", "wg0"], allowCIDRs: blocks(["192.0.2.7", "2001:db8:1::/127"])))
            // d waits for a process to decide by: only what it owns changes, and it is kept.
            let ownedD = try rules.applyOwnership(cgroupPath: d)
            let dropped = try rules.dropUnclaimed(keeping: [d])
            return [
                "adopted": "\(adopted.kept) kept, \(adopted.dropped) dropped", "afterAdopt": afterAdopt,
                "changed": "a \(changedA), b \(changedB), d \(ownedD)", "dropped": dropped.joined(separator: ","), "final": try held(),
            ]
        }
        #expect(outcome["adopted"] == "4 kept, 1 dropped")
        #expect(outcome["afterAdopt"] == """
            ifaces a eth0
            ifaces a wg0
            ifaces b eth1
            ifaces b wg0
            ifaces d eth0
            owners a wg-own
            owners d wg-old
            restricted a
            restricted b
            restricted d
            static4 a 10.77.0.0/24
            static4 b 192.0.2.7/32
            static4 c 198.51.100.0/25
            static6 a 2001:db8::/64
            static6 b 2001:db8:1::/127
            """)
        #expect(outcome["changed"] == "a true, b false, d true")
        #expect(outcome["dropped"] == "pinhole-enf-\(getpid())-adopt-c.scope")
        #expect(outcome["final"] == """
            ifaces a wg0
            ifaces b eth1
            ifaces b wg0
            ifaces d eth0
            owners a wg-own
            owners d wg-new
            restricted a
            restricted b
            restricted d
            static4 a 10.77.0.0/24
            static4 b 192.0.2.7/32
            static6 b 2001:db8:1::/127
            """)
    }
}
