import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// Every libnftables call here runs on a NamespacedThread: a private
/// network namespace (the host ruleset is never touched) with cgroup2 at
/// /sys/fs/cgroup in a private mount namespace.
@Suite struct EnforcementTableTests {
    /// out: 2 + owned jump + per depth restricted, 2 pins, 2 static, 2 rejects;
    /// iface_refuse: 2; owner_check: 2 link chatter returns, per depth, goto.
    static let rulesPerTable = (2 + 1 + 7 * 12) + 2 + (2 + 12 + 1)

    @Test func scriptHasOneRulePerDepth() {
        let script = EnforcementTable(depth: 3).createScript
        #expect(script.hasPrefix("table inet pinhole {}\nflush table inet pinhole\n"))
        for level in 1...3 {
            #expect(script.contains("socket cgroupv2 level \(level) . ip daddr @pin4 accept"))
            #expect(script.contains("socket cgroupv2 level \(level) . ip6 daddr @pin6 accept"))
            #expect(script.contains("meta l4proto tcp socket cgroupv2 level \(level) @governed counter reject with tcp reset"))
            #expect(script.contains("socket cgroupv2 level \(level) @governed counter reject with icmpx admin-prohibited"))
        }
        #expect(!script.contains("level 4"))
    }

    @Test func createsTheTable() throws {
        let ns = try NamespacedThread()
        let listing = try ns.run { () throws -> NftListing in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            return try NftListing(nft.json("list table inet pinhole"))
        }
        #expect(listing.all("table").map { $0["name"] as? String } == ["pinhole"])
        #expect(listing.all("table").first?["family"] as? String == "inet")
        #expect(listing.set("governed")?["type"] as? String == "cgroupsv2")
        #expect(listing.set("pin4")?["type"] as? [String] == ["cgroupsv2", "ipv4_addr"])
        #expect(listing.set("pin6")?["type"] as? [String] == ["cgroupsv2", "ipv6_addr"])
        #expect(listing.set("pin4")?["flags"] as? [String] == ["timeout"])
        #expect(listing.set("pin6")?["flags"] as? [String] == ["timeout"])
        let chains = listing.all("chain")
        #expect(chains.map { $0["name"] as? String } == ["iface_refuse", "owner_check", "out"])
        let out = chains.first { $0["name"] as? String == "out" }
        #expect(out?["hook"] as? String == "output")
        #expect(out?["type"] as? String == "filter")
        #expect(out?["prio"] as? Int == 0)
        #expect(out?["policy"] as? String == "accept")
        #expect(listing.all("rule").count == Self.rulesPerTable)
    }

    /// The text listing shows what the JSON one of nft 1.0.6 leaves out:
    /// the level of each socket cgroupv2 match.
    @Test func rulesCarryTheirLevels() throws {
        let ns = try NamespacedThread()
        let text = try ns.run { () throws -> String in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            return try nft.run("list chain inet pinhole out")
        }
        #expect(text.contains("ct state established,related accept"))
        #expect(text.contains("oif \"lo\" accept"))
        for level in 1...12 {
            #expect(text.contains("socket cgroupv2 level \(level) . ip daddr @pin4 accept"))
            #expect(text.contains("socket cgroupv2 level \(level) . ip6 daddr @pin6 accept"))
            #expect(text.contains("meta l4proto tcp socket cgroupv2 level \(level) @governed counter packets 0 bytes 0 reject with tcp reset"))
            #expect(text.contains("socket cgroupv2 level \(level) @governed counter packets 0 bytes 0 reject with icmpx admin-prohibited"))
        }
    }

    @Test func creatingTwiceLeavesOneTable() throws {
        let ns = try NamespacedThread()
        let (listing, governedBetween) = try ns.run { () throws -> (NftListing, Int) in
            let nft = try Nftables()
            let table = EnforcementTable()
            try table.create(with: nft)
            let cgroup = try makeCgroup("twice.scope")
            defer { removeCgroup(cgroup) }
            try GovernedSet().govern(cgroup)
            let between = try NftListing(nft.json("list table inet pinhole")).elements(ofSet: "governed").count
            try table.create(with: nft)
            return (try NftListing(nft.json("list ruleset")), between)
        }
        #expect(governedBetween == 1)
        #expect(listing.all("table").count == 1)
        #expect(listing.all("chain").count == 3)
        #expect(listing.all("set").count == 9)
        #expect(listing.all("rule").count == Self.rulesPerTable)
        // The rules are replaced; the set elements are kept.
        #expect(listing.elements(ofSet: "governed").count == 1)
    }

    @Test func aTableOfAnotherLayoutIsRebuiltNotAFailedStart() throws {
        let ns = try NamespacedThread()
        let (refused, again, listing) = try ns.run { () throws -> (NftablesError?, NftablesError?, NftListing) in
            let nft = try Nftables()
            // What an older pinholed left: `governed` declared without element counters.
            try nft.run("table inet pinhole {\n  set governed { type cgroupsv2; }\n}\n")
            let table = EnforcementTable()
            let refused = try table.create(with: nft)
            let again = try table.create(with: nft)
            return (refused, again, try NftListing(nft.json("list table inet pinhole")))
        }
        #expect(refused?.message.contains("File exists") == true, "\(String(describing: refused))")
        #expect(again == nil, "the rebuilt table is adopted as it is")
        #expect(listing.all("chain").count == 3)
        #expect(listing.all("rule").count == Self.rulesPerTable)
    }

    @Test func removeDeletesTheTable() throws {
        let ns = try NamespacedThread()
        let (after, secondRemove) = try ns.run { () throws -> (NftListing, NftablesError?) in
            let nft = try Nftables()
            try EnforcementTable().create(with: nft)
            try EnforcementTable.remove(with: nft)
            try EnforcementTable.remove(with: nft, ifPresent: true)
            var failure: NftablesError?
            do { try EnforcementTable.remove(with: nft) } catch let error as NftablesError { failure = error }
            return (try NftListing(nft.json("list ruleset")), failure)
        }
        #expect(after.all("table").isEmpty)
        #expect(secondRemove?.command == "delete table inet pinhole\n")
        #expect(secondRemove?.message.contains("No such file or directory") == true)
    }

    @Test func errorsNameCommandAndNftText() throws {
        let ns = try NamespacedThread()
        let error = try ns.run { () throws -> NftablesError? in
            let nft = try Nftables()
            do { try nft.run("add set inet nosuch s { type ipv4_addr; }") } catch let error as NftablesError { return error }
            return nil
        }
        #expect(error?.command == "add set inet nosuch s { type ipv4_addr; }")
        #expect(error?.message.contains("Error:") == true)
    }
}
