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

    /// In `out`: packets to pinholed's listeners are accepted. A redirected
    /// query leaves `nat_out` bound for loopback, but the filter hook still
    /// sees the device of its original route (the hook's output device is
    /// fixed before the chains run), so `oif lo accept` misses it and a
    /// governed app's query would be rejected.
    var captureAcceptRules: [String] {
        guard let capture else { return [] }
        return Self.families(capture).map { "    \($0.toListeners) accept" }
    }

    /// Per family with a target: nft's family word, the target, and the
    /// match "meta l4proto { udp, tcp } ip daddr . th dport { 127.0.0.1 . 53 }"
    /// for packets bound for any of pinholed's listeners of that family.
    private static func families(
        _ capture: DNSCapture
    ) -> [(family: String, target: DNSCapture.Endpoint, toListeners: String)] {
        [(capture.v4, "ip"), (capture.v6, "ip6")].compactMap { target, family in
            guard let target else { return nil }
            let own = capture.listeners
                .filter { $0.address.isV4 == (family == "ip") }
                .map { "\($0.address) . \($0.port)" }
            return (family, target, "meta l4proto { udp, tcp } \(family) daddr . th dport { \(own.joined(separator: ", ")) }")
        }
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
        for (family, target, toListeners) in Self.families(capture) {
            // Already bound for pinholed: left alone.
            lines.append("    \(toListeners) accept")
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
