import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The pins an earlier pinholed left for a cgroup removed while it was
/// down are deleted by id at start; a live cgroup's pins stay (app rules:
/// `AppRulesAdoptionTests`). Read back with netlink dumps.
@Suite struct GoneCgroupSweepTests {
    @Test func deletesTheElementsOfGoneCgroupsOnly() throws {
        let ns = try NamespacedThread()
        let (swept, left, again, idA) = try ns.run { () throws -> (Int, [String: Set<UInt64>], Int, UInt64) in
            try EnforcementTable().create(with: Nftables())
            let a = try makeCgroup("sweep-a.scope")
            let b = try makeCgroup("sweep-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let ids = try CgroupIds()
            let idA = try ids.id(of: a)
            // "An earlier pinholed": its own pinner and rules, gone with it.
            do {
                let pinner = try NetlinkPinner(ids: ids)
                let rules = try NftablesAppRules(ids: ids)
                for cgroup in [a, b] {
                    try pinner.pin(cgroupPath: cgroup, addresses: [IPAddress("10.2.0.1")!, IPAddress("2001:db8::5")!], timeout: 600)
                    try rules.apply(cgroupPath: cgroup, rules: AppNetworkRules(interfaces: ["eth0", "wg0"]))
                }
            }
            removeCgroup(b)
            let swept = try GoneCgroupSweep.run(mountPoint: ids.mountPoint)
            let writer = try NetlinkSetWriter()
            var left: [String: Set<UInt64>] = [:]
            for kind in GoneCgroupSweep.sets {
                left[kind.rawValue] = Set(try writer.keys(set: kind.rawValue).compactMap { SetElement(kind: kind, key: $0)?.cgroup })
            }
            return (swept, left, try GoneCgroupSweep.run(mountPoint: ids.mountPoint), idA)
        }
        // b had a pin4 and a pin6 element.
        #expect(swept == 2)
        #expect(left.count == 2 && left.values.allSatisfy { $0 == [idA] }, "\(left) (a is \(idA))")
        #expect(again == 0)
    }
}
