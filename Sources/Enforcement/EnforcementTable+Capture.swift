import PinholeCore

/// DNS capture (DESIGN.md "The enforcement ruleset", nat output chain),
/// conntrack bypass for pinholed's listeners, and pinholed's own traffic.
extension EnforcementTable {
    /// The mark's rule, `meta mark 0x… accept`, first in `out`, `nat_out`
    /// and `encrypted_dns`: pinholed's upstream queries are neither
    /// redirected into pinholed (a loop) nor rejected when pinholed's own
    /// cgroup is governed.
    var ownTrafficRules: [String] {
        guard let ownMark else { return [] }
        return ["    meta mark \(Self.hex(ownMark)) accept"]
    }

    /// In `out`: packets to pinholed's listeners and capture endpoints are
    /// accepted. A redirected query leaves `nat_out` bound for loopback,
    /// but the filter hook still sees the device of its original route
    /// (the hook's output device is fixed before the chains run), so
    /// `oif lo accept` misses it and a governed app's query would be
    /// rejected.
    var captureAcceptRules: [String] {
        guard let capture else { return [] }
        return Self.families(capture).map { "    \($0.to($0.listeners)) accept" }
    }

    /// Chain `raw_out` (filter, output, priority raw, before conntrack):
    /// loopback packets to and from pinholed's main listeners (specific
    /// addresses only) are `notrack`, so the stub resolver's traffic costs
    /// no conntrack or NAT hooks; `out` accepts them as loopback. Redirected
    /// queries go to the capture endpoint and their replies leave from it:
    /// tracked, so NAT restores the resolver's address as their source.
    /// Replies to remote clients stay tracked: their queries came in
    /// tracked, and a reply conntrack never saw would leave the flow
    /// half-open (a TCP client's next segment invalid to an input firewall).
    var rawChain: [String] {
        guard let capture else { return [] }
        let rules = Self.families(capture).filter { !$0.untracked.isEmpty }.flatMap { family in
            ["    oif lo \(family.to(family.untracked)) notrack", "    oif lo \(family.from(family.untracked)) notrack"]
        }
        guard !rules.isEmpty else { return [] }
        return ["  chain raw_out {", "    type filter hook output priority raw; policy accept;"] + rules + ["  }"]
    }

    /// Chain `nat_out` (nat, output, priority -100, the DNAT priority):
    /// port 53 over UDP or TCP to anything but pinholed's own listeners and
    /// capture endpoints is sent to the capture endpoint of the same
    /// family. NAT sees only the first packet of a flow; conntrack rewrites
    /// the rest and the replies.
    var captureChain: [String] {
        guard let capture else { return [] }
        var lines = [
            "  chain nat_out {",
            "    type nat hook output priority -100; policy accept;",
        ]
        lines += ownTrafficRules
        for family in Self.families(capture) {
            // Already bound for pinholed: left alone.
            lines.append("    \(family.to(family.listeners)) accept")
            lines.append(
                "    meta nfproto \(family.word == "ip" ? "ipv4" : "ipv6") meta l4proto { udp, tcp } th dport 53 counter dnat \(family.word) to \(family.target)")
        }
        lines.append("  }")
        return lines
    }

    /// "0x70686f6c", as nft prints marks.
    static func hex(_ mark: UInt32) -> String { "0x" + String(mark, radix: 16) }

    /// One family's part of the capture: nft's word ("ip", "ip6"), the
    /// capture endpoint, every listener and endpoint, the untracked listeners.
    private struct Family {
        let word: String
        let target: DNSCapture.Endpoint
        let listeners: [DNSCapture.Endpoint]
        let untracked: [DNSCapture.Endpoint]

        /// "meta l4proto { udp, tcp } ip daddr . th dport { 127.0.0.1 . 53 }".
        func to(_ endpoints: [DNSCapture.Endpoint]) -> String { match("daddr", "dport", endpoints) }
        /// "meta l4proto { udp, tcp } ip saddr . th sport { 127.0.0.1 . 53 }".
        func from(_ endpoints: [DNSCapture.Endpoint]) -> String { match("saddr", "sport", endpoints) }

        private func match(_ address: String, _ port: String, _ endpoints: [DNSCapture.Endpoint]) -> String {
            let elements = endpoints.map { "\($0.address) . \($0.port)" }.joined(separator: ", ")
            return "meta l4proto { udp, tcp } \(word) \(address) . th \(port) { \(elements) }"
        }
    }

    /// The families with a capture endpoint.
    private static func families(_ capture: DNSCapture) -> [Family] {
        [(capture.v4, "ip"), (capture.v6, "ip6")].compactMap { target, word in
            guard let target else { return nil }
            let isV4 = word == "ip"
            return Family(
                word: word, target: target,
                listeners: capture.listeners.filter { $0.address.isV4 == isV4 },
                untracked: capture.untracked.filter { $0.address.isV4 == isV4 })
        }
    }
}

extension IPAddress {
    fileprivate var isV4: Bool {
        if case .v4 = self { true } else { false }
    }
}
