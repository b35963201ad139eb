import PinholeCore

/// DNS that would go around pinholed, for governed cgroups: DNS over TLS
/// (TCP 853) and over QUIC (UDP 853) to anywhere, and HTTPS (TCP and UDP
/// 443, HTTP/3 included) to the addresses of known DoH resolvers (interval
/// sets `doh4` / `doh6`, filled by `replaceDoHAddressesScript`). The jump
/// comes before the pinned-accept rules, so a resolved and pinned
/// dns.google still cannot be used for DoT or DoH. Loopback (a local stub
/// speaking DoT) is accepted before it.
extension EnforcementTable {
    /// The chain the governed sockets jump to.
    static let encryptedDNSChainName = "encrypted_dns"

    var encryptedDNSSets: [String] {
        guard rejectsEncryptedDNS else { return [] }
        return [
            "  set doh4 { type ipv4_addr; flags interval; }",
            "  set doh6 { type ipv6_addr; flags interval; }",
        ]
    }

    /// One jump, for 443 and 853 only: every other packet is spared the
    /// chain, and `governed` is not looked up here (its element counters
    /// must count rejects only).
    var encryptedDNSJumps: [String] {
        guard rejectsEncryptedDNS else { return [] }
        return ["    meta l4proto { tcp, udp } th dport { 443, 853 } jump \(Self.encryptedDNSChainName)"]
    }

    /// Per cgroup depth, counted rejects of governed sockets; the port and
    /// address tests come before the `governed` lookup, so its element
    /// counter rises only for a reject. Anything else returns to `out`.
    var encryptedDNSChain: [String] {
        guard rejectsEncryptedDNS else { return [] }
        var lines = ["  chain \(Self.encryptedDNSChainName) {"]
        for level in 1...depth {
            let governed = "socket cgroupv2 level \(level) @governed counter reject with"
            lines += [
                "    meta l4proto tcp th dport 853 \(governed) tcp reset",
                "    meta l4proto udp th dport 853 \(governed) icmpx admin-prohibited",
                "    ip daddr @doh4 meta l4proto tcp th dport 443 \(governed) tcp reset",
                "    ip daddr @doh4 meta l4proto udp th dport 443 \(governed) icmpx admin-prohibited",
                "    ip6 daddr @doh6 meta l4proto tcp th dport 443 \(governed) tcp reset",
                "    ip6 daddr @doh6 meta l4proto udp th dport 443 \(governed) icmpx admin-prohibited",
            ]
        }
        return lines + ["  }"]
    }

    /// Replaces the contents of `doh4` and `doh6` with `list`'s ranges in
    /// one transaction (coalesced: an interval set refuses overlaps).
    public static func replaceDoHAddressesScript(_ list: AddressList) -> String {
        var script = "flush set \(qualifiedName) doh4\nflush set \(qualifiedName) doh6\n"
        for (set, blocks) in [("doh4", list.coalescedV4), ("doh6", list.coalescedV6)] where !blocks.isEmpty {
            script += "add element \(qualifiedName) \(set) { \(blocks.map(\.nftText).joined(separator: ", ")) }\n"
        }
        return script
    }

    /// Fills `doh4` and `doh6` with `list` (see `replaceDoHAddressesScript`).
    public static func replaceDoHAddresses(_ list: AddressList, with nft: Nftables) throws(NftablesError) {
        try nft.run(replaceDoHAddressesScript(list))
    }
}

extension CIDRBlock {
    /// "9.9.9.9" for a single address, else "94.140.14.0/24".
    fileprivate var nftText: String {
        switch network {
        case .v4 where prefixLength == 32, .v6 where prefixLength == 128: "\(network)"
        default: "\(self)"
        }
    }
}
