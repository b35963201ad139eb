import Enforcement
import Foundation
import PinholeCore
import Testing
import TestSupport

/// The table with pinholed's mark, DNS capture and the encrypted-DNS
/// rejects, built in a private network namespace and read back.
@Suite struct CaptureTableTests {
    static let mark: UInt32 = 0x7068_6f6c
    static func endpoint(_ address: String, _ port: UInt16 = 53) -> DNSCapture.Endpoint {
        DNSCapture.Endpoint(address: IPAddress(address)!, port: port)
    }

    static let table = EnforcementTable(
        depth: 2, ownMark: mark, capture: DNSCapture(listeners: [Self.endpoint("127.0.0.153"), Self.endpoint("::1", 5353)]),
        rejectsEncryptedDNS: true)

    @Test func captureTargetsTheFirstListenerOfEachFamily() {
        let capture = DNSCapture(listeners: [Self.endpoint("127.0.0.153"), Self.endpoint("127.0.0.1", 54), Self.endpoint("::1", 5353)])
        #expect(capture.v4 == Self.endpoint("127.0.0.153"))
        #expect(capture.v6 == Self.endpoint("::1", 5353))
        #expect(capture.v6?.description == "[::1]:5353")
        #expect(capture.listeners.count == 3)
        // A wildcard listener is reached on loopback; a family without a listener is not captured.
        let wildcard = DNSCapture(listeners: [Self.endpoint("0.0.0.0")])
        #expect(wildcard.v4 == Self.endpoint("127.0.0.1"))
        #expect(wildcard.v6 == nil)
        #expect(wildcard.listeners == [Self.endpoint("0.0.0.0"), Self.endpoint("127.0.0.1")])
        #expect(DNSCapture(listeners: [Self.endpoint("::")]).v6 == Self.endpoint("::1"))
    }

    @Test func theDefaultTableHasNoneOfIt() {
        let script = EnforcementTable().createScript
        for word in ["nat_out", "meta mark", "encrypted_dns", "doh4", "853"] {
            #expect(!script.contains(word), "\(word) in the default table")
        }
    }

    @Test func buildsTheChainsAndSets() throws {
        let ns = try NamespacedThread()
        let (listing, out, nat, encrypted) = try ns.run { () throws -> (NftListing, String, String, String) in
            let nft = try Nftables()
            try Self.table.create(with: nft)
            try Self.table.create(with: nft)  // twice: still one copy of everything
            return (
                try NftListing(nft.json("list table inet pinhole")), try nft.run("list chain inet pinhole out"),
                try nft.run("list chain inet pinhole nat_out"), try nft.run("list chain inet pinhole encrypted_dns"))
        }
        let chains = Dictionary(uniqueKeysWithValues: listing.all("chain").map { ($0["name"] as! String, $0) })
        #expect(Set(chains.keys) == ["out", "nat_out", "encrypted_dns", "owner_check", "iface_refuse"])
        #expect(chains["nat_out"]?["type"] as? String == "nat")
        #expect(chains["nat_out"]?["hook"] as? String == "output")
        #expect(chains["nat_out"]?["prio"] as? Int == -100)
        #expect(chains["encrypted_dns"]?["hook"] == nil)
        #expect(listing.set("doh4")?["type"] as? String == "ipv4_addr")
        #expect(listing.set("doh6")?["type"] as? String == "ipv6_addr")
        #expect(listing.set("doh4")?["flags"] as? [String] == ["interval"])

        // out: loopback first (one rule for every stub query and reply), the mark, established, then the jumps, then the pins.
        let rules = out.split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
        let order = ["oif \"lo\" accept", "meta mark 0x70686f6c accept", "ct state established,related accept",
                     "meta l4proto { tcp, udp } ip daddr . th dport { 127.0.0.153 . 53 } accept",
                     "meta l4proto { tcp, udp } ip6 daddr . th dport { ::1 . 5353 } accept",
                     "meta l4proto { tcp, udp } th dport { 443, 853 } jump encrypted_dns",
                     "socket cgroupv2 level 1 . ip daddr @pin4 accept"]
        let positions = order.map { rule in rules.firstIndex(of: rule) }
        #expect(!positions.contains(nil), "\(out)")
        #expect(positions.compactMap { $0 } == positions.compactMap { $0 }.sorted(), "\(out)")
        #expect(rules.count(where: { $0.hasPrefix("meta mark") }) == 1)

        // nat_out: the mark, the listeners left alone, everything else on port 53 sent to them.
        #expect(nat.contains("type nat hook output priority -100; policy accept;"), "\(nat)")
        #expect(nat.contains("meta mark 0x70686f6c accept"))
        #expect(nat.contains("ip daddr . th dport { 127.0.0.153 . 53 } accept"), "\(nat)")
        #expect(nat.contains("dnat ip to 127.0.0.153:53"), "\(nat)")
        #expect(nat.contains("ip6 daddr . th dport { ::1 . 5353 } accept"), "\(nat)")
        #expect(nat.contains("dnat ip6 to [::1]:5353"), "\(nat)")

        // Ports and addresses first, the governed lookup last (its element counters count rejects only).
        for level in [1, 2] {
            let governed = "socket cgroupv2 level \(level) @governed counter packets 0 bytes 0 reject with"
            #expect(encrypted.contains("tcp dport 853 \(governed) tcp reset"), "\(encrypted)")
            #expect(encrypted.contains("udp dport 853 \(governed) icmpx admin-prohibited"))
            #expect(encrypted.contains("ip daddr @doh4 tcp dport 443 \(governed) tcp reset"))
            #expect(encrypted.contains("ip6 daddr @doh6 udp dport 443 \(governed) icmpx admin-prohibited"))
        }
    }

    @Test func dohAddressesAreReplacedAsAWhole() throws {
        let ns = try NamespacedThread()
        let first = AddressList(parsing: "9.9.9.9\n45.90.28.0/24\n45.90.28.7\n2620:fe::fe\n2a07:a8c0::/32\n")
        let second = AddressList(parsing: "1.1.1.1\n")
        let listings = try ns.run { () throws -> [String] in
            let nft = try Nftables()
            try Self.table.create(with: nft)
            var listings: [String] = []
            for list in [first, second, AddressList(parsing: "")] {
                try EnforcementTable.replaceDoHAddresses(list, with: nft)
                let text = try nft.run("list set inet pinhole doh4") + nft.run("list set inet pinhole doh6")
                // nft wraps long element lists: one space between words.
                listings.append(text.split(whereSeparator: \.isWhitespace).joined(separator: " "))
            }
            return listings
        }
        // 45.90.28.7 is inside 45.90.28.0/24: coalesced, not an overlap error.
        #expect(listings[0].contains("elements = { 9.9.9.9, 45.90.28.0/24 }"), "\(listings[0])")
        #expect(listings[0].contains("elements = { 2620:fe::fe, 2a07:a8c0::/32 }"), "\(listings[0])")
        #expect(listings[1].contains("elements = { 1.1.1.1 }"), "\(listings[1])")
        #expect(listings[1].components(separatedBy: "elements").count == 2, "doh6 emptied: \(listings[1])")
        #expect(!listings[2].contains("elements"), "\(listings[2])")
    }

    @Test func theReplaceScriptFlushesThenAdds() {
        let script = EnforcementTable.replaceDoHAddressesScript(AddressList(parsing: "9.9.9.9\n94.140.14.0/24\n2620:fe::fe\n"))
        #expect(script == """
            flush set inet pinhole doh4
            flush set inet pinhole doh6
            add element inet pinhole doh4 { 94.140.14.0/24, 9.9.9.9 }
            add element inet pinhole doh6 { 2620:fe::fe }

            """)
    }
}
