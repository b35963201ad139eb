import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The app-rule sets written over netlink by cgroup id, read back with
/// nft's JSON listing (which names a cgroupsv2 key by its path and decodes
/// the ifname and range parts): a wrong byte layout shows up as a wrong
/// name, a garbled interface or a wrong range. Then the cgroup is removed
/// and everything written for it is deleted by its remembered id.
@Suite struct AppRulesKeyLayoutTests {
    @Test func interfacesOwnersAndRangesHaveNftsLayoutAndGoWithTheCgroup() throws {
        let ns = try NamespacedThread()
        let owners = InterfaceOwners(["wg-owned-name15": [try Glob("*-vpn.scope")]])
        let pid = getpid()
        let name = "pinhole-enf-\(pid)-lay-vpn.scope"
        let (listing, status, afterRemoval) = try ns.run { () throws -> (NftListing, EnforcementStatus, [String: Int]) in
            let nft = try Nftables()
            try EnforcementTable(ownedInterfaces: owners.interfaces).create(with: nft)
            let app = try makeCgroup("lay-vpn.scope")
            defer { removeCgroup(app) }
            let rules = try NftablesAppRules(owners: owners)
            let ranges = try ["10.77.0.0/24", "192.0.2.7", "2001:db8::/64", "2001:db8:1::/127"].map(CIDRBlock.init(parsing:))
            #expect(try rules.apply(cgroupPath: app, rules: AppNetworkRules(interfaces: ["eth0", "abcdefghijklmno"], allowCIDRs: ranges)))
            let listing = try NftListing(nft.json("list table inet pinhole"))
            let status = try EnforcementStatus.read(with: nft)

            // Gone: rmdir, then everything of it is deleted by id.
            removeCgroup(app)
            try rules.remove(cgroupPath: app)
            let writer = try NetlinkSetWriter()
            var counts: [String: Int] = [:]
            for set in ["restricted", "ifaces", "owners", "static4", "static6"] { counts[set] = try writer.count(set: set) }
            return (listing, status, counts)
        }
        #expect(listing.elements(ofSet: "restricted").map(\.key) == [[name]])
        #expect(Set(listing.elements(ofSet: "ifaces").map(\.key)) == [[name, "eth0"], [name, "abcdefghijklmno"]])
        #expect(listing.elements(ofSet: "owners").map(\.key) == [[name, "wg-owned-name15"]])
        #expect(Set(listing.elements(ofSet: "static4").map { $0.key.first ?? "" }) == [name])
        #expect(Set(listing.elements(ofSet: "static6").map { $0.key.first ?? "" }) == [name])
        // The status decodes nft's ranges ("ADDR/LEN", a single address bare).
        let row = status.apps.first { $0.cgroup == name }
        #expect(row?.staticRanges.sorted() == ["10.77.0.0/24", "192.0.2.7", "2001:db8:1::/127", "2001:db8::/64"], "\(status.apps)")
        #expect(afterRemoval == ["restricted": 0, "ifaces": 0, "owners": 0, "static4": 0, "static6": 0])
    }

    /// A pinner forgetting a removed cgroup deletes its pins by id, v4 and
    /// v6, and leaves another cgroup's.
    @Test func forgettingARemovedCgroupDeletesItsPins() throws {
        let ns = try NamespacedThread()
        let (before, after, otherKept) = try ns.run { () throws -> (Int, Int, Bool) in
            try EnforcementTable().create(with: Nftables())
            let a = try makeCgroup("forget-a.scope")
            let b = try makeCgroup("forget-b.scope")
            defer { removeCgroup(a); removeCgroup(b) }
            let pinner = try NetlinkPinner()
            let addresses = ["10.1.0.1", "10.1.0.2", "2001:db8::9"].map { IPAddress($0)! }
            try pinner.pin(cgroupPath: a, addresses: addresses, timeout: 600)
            try pinner.pin(cgroupPath: b, addresses: [addresses[0]], timeout: 600)
            let idA = try pinner.ids.id(of: a), idB = try pinner.ids.id(of: b)
            let writer = try NetlinkSetWriter()
            let ids = { try writer.cgroupIDs(set: "pin4").union(writer.cgroupIDs(set: "pin6")) }
            let before = try writer.count(set: "pin4") + writer.count(set: "pin6")
            removeCgroup(a)
            #expect(pinner.forget(cgroupPath: a) == nil)
            let left = try ids()
            return (before, try writer.count(set: "pin4") + writer.count(set: "pin6"), left == [idB] && !left.contains(idA))
        }
        #expect(before == 4)
        #expect(after == 1)
        #expect(otherKept)
    }
}
