/// The per-app rules beyond pins (profile `interfaces`, `allow_cidrs`,
/// global `interface_owners`), kept apart from the core of `createScript`.
///
/// Everything is set membership, so no rule is added or removed at
/// runtime (verified with nft 1.0.6 on kernel 6.18):
///
/// - `restricted` (cgroupsv2) and `ifaces` (cgroupsv2 . ifname): an app
///   with `interfaces` is in `restricted`, and (app, interface) in `ifaces`
///   for each interface it may use. Per depth N: a restricted ancestor at
///   N whose (ancestor, oifname) is not in `ifaces` is refused.
/// - `owned` (ifname) and `owners` (cgroupsv2 . ifname): a packet leaving
///   through an owned interface jumps to `owner_check`, which returns when
///   the socket's ancestor at any depth owns it and refuses otherwise
///   (the kernel's neighbour discovery and multicast reports pass).
/// - `static4` / `static6` (cgroupsv2 . address ranges, interval sets: the
///   kernel's pipapo takes concatenated ranges): accepted like pins.
/// - `iface_refuse` counts and refuses (TCP reset, else ICMP
///   admin-prohibited) whatever the interface rules turn away.
extension EnforcementTable {
    /// Set declarations, inside the table block.
    var appRuleSets: [String] {
        [
            "  set restricted { type cgroupsv2; }",
            "  set ifaces { type cgroupsv2 . ifname; }",
            "  set owned { type ifname; }",
            "  set owners { type cgroupsv2 . ifname; }",
            "  set static4 { type cgroupsv2 . ipv4_addr; flags interval; }",
            "  set static6 { type cgroupsv2 . ipv6_addr; flags interval; }",
        ]
    }

    /// Chains the interface rules jump to, declared before `out`.
    var appRuleChains: [String] {
        var lines = [
            "  chain iface_refuse {",
            "    meta l4proto tcp counter reject with tcp reset",
            "    counter reject with icmpx admin-prohibited",
            "  }",
            "  chain owner_check {",
            // The kernel's own link chatter (neighbour discovery, multicast
            // reports) has no app socket; refusing it would break the link.
            "    icmpv6 type { nd-router-solicit, nd-neighbor-solicit, nd-neighbor-advert, mld-listener-report, mld2-listener-report } return",
            "    meta l4proto igmp return",
        ]
        for level in 1...depth {
            lines.append("    socket cgroupv2 level \(level) . oifname @owners return")
        }
        lines.append("    goto iface_refuse")
        lines.append("  }")
        return lines
    }

    /// Rules of `out` after loopback, before pins: interfaces come first,
    /// so a pin or a static range never opens a forbidden interface.
    var interfaceRules: [String] {
        var lines = ["    oifname @owned jump owner_check"]
        for level in 1...depth {
            lines.append(
                "    socket cgroupv2 level \(level) @restricted socket cgroupv2 level \(level) . oifname != @ifaces goto iface_refuse")
        }
        return lines
    }

    /// Rules of `out` after pins, before the governed rejects.
    var staticRangeRules: [String] {
        (1...depth).flatMap { level in
            [
                "    socket cgroupv2 level \(level) . ip daddr @static4 accept",
                "    socket cgroupv2 level \(level) . ip6 daddr @static6 accept",
            ]
        }
    }

    /// Commands after the table block: the owned interfaces are the
    /// config's now (a restart may have changed them). The per-app
    /// elements (`restricted`, `ifaces`, `owners`, `static4/6`) survive a
    /// restart: `NftablesAppRules.adopt` takes them over and the first
    /// decision of each cgroup brings them to its policy.
    var appRuleResets: [String] {
        let table = Self.qualifiedName
        var lines = ["flush set \(table) owned"]
        if !ownedInterfaces.isEmpty {
            let names = ownedInterfaces.map { NftablesAppRules.quoted($0) }.joined(separator: ", ")
            lines.append("add element \(table) owned { \(names) }")
        }
        return lines
    }
}
