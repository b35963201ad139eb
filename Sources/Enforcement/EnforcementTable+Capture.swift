import PinholeCore

/// DNS capture (DESIGN.md "The enforcement ruleset", nat output chain) and
/// pinholed's own traffic.
extension EnforcementTable {
    /// The mark's rule, `meta mark 0x… accept`, first in every base chain:
    /// pinholed's upstream queries are neither redirected into pinholed
    /// (a loop) nor rejected when pinholed's own cgroup is governed.
    var ownTrafficRules: [String] {
        guard let ownMark else { return [] }
        return ["    meta mark \(Self.hex(ownMark)) accept"]
    }

    /// Chain `nat_out` (nat, output, priority -100, the DNAT priority):
    /// port 53 over UDP or TCP to anything but pinholed's own listeners is
    /// sent to its listener of the same family. NAT sees only the first
    /// packet of a flow; conntrack rewrites the rest and the replies.
    var captureChain: [String] {
        guard let capture else { return [] }
        var lines = [
            "  chain nat_out {",
            "    type nat hook output priority -100; policy accept;",
        ]
        lines += ownTrafficRules
        for (target, family) in [(capture.v4, "ip"), (capture.v6, "ip6")] {
            guard let target else { continue }
            let own = capture.listeners
                .filter { ($0.address.isV4) == (family == "ip") }
                .map { "\($0.address) . \($0.port)" }
            lines.append("    meta l4proto { udp, tcp } \(family) daddr . th dport { \(own.joined(separator: ", ")) } accept")
            lines.append("    meta nfproto \(family == "ip" ? "ipv4" : "ipv6") meta l4proto { udp, tcp } th dport 53 counter dnat \(family) to \(target)")
        }
        lines.append("  }")
        return lines
    }

    /// "0x70686f6c", as nft prints marks.
    static func hex(_ mark: UInt32) -> String { "0x" + String(mark, radix: 16) }
}

extension IPAddress {
    fileprivate var isV4: Bool {
        if case .v4 = self { true } else { false }
    }
}
