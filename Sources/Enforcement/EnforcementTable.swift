/// The nftables table pinholed owns, `inet pinhole` (DESIGN.md "The
/// enforcement ruleset"), as nft scripts.
///
/// - `governed` (cgroupsv2): cgroups whose outgoing traffic is enforced.
/// - `pin4` / `pin6` (cgroupsv2 . address, timeouts): what a cgroup may
///   reach, added when pinholed answers it.
/// - chain `out` (filter, output, priority 0, policy accept): established
///   and related accept; loopback accept; per cgroup depth 1…`depth`, a
///   pinned (cgroup, destination) accept; per depth, a governed socket is
///   rejected, counted: TCP with a reset, the rest with ICMP
///   admin-prohibited, so apps fail fast instead of hanging.
/// - optional parts (off in `EnforcementTable()`): pinholed's own mark
///   accepted first, the DNS redirect chain `nat_out`
///   (EnforcementTable+Capture.swift), and the DoT/DoQ/DoH rejects for
///   governed sockets with the sets `doh4`/`doh6`
///   (EnforcementTable+EncryptedDNS.swift).
///
/// - per-app `interfaces`, `interface_owners` and `allow_cidrs` sets and
///   chains: see `EnforcementTable+AppRules`.
/// - `governed` carries a counter per element: the rejects are its only
///   lookups, so each governed cgroup's counter is its blocked packets
///   (`EnforcementStatus`, `pinhole status`).
///
/// A `socket cgroupv2 level N` match compares the socket's ancestor at
/// depth N, so every depth an app's cgroup may sit at needs its own rule.
public struct EnforcementTable: Sendable {
    public static let family = "inet"
    public static let name = "pinhole"
    /// "inet pinhole", as commands name the table.
    public static let qualifiedName = "\(family) \(name)"

    /// Cgroup depths covered (1…depth); 12 covers real systems.
    public let depth: Int
    /// Interfaces only their owners may use (`interface_owners`' keys).
    public let ownedInterfaces: [String]
    /// The mark pinholed puts on its own upstream sockets (SO_MARK): such
    /// packets are accepted first in every chain and never redirected.
    /// nil: no such rule (see EnforcementTable+Capture.swift).
    public let ownMark: UInt32?
    /// Redirects DNS to pinholed (chain `nat_out`); nil: no redirect.
    public let capture: DNSCapture?
    /// Rejects DoT/DoQ (853) and 443 to the `doh4`/`doh6` sets for governed
    /// cgroups (see EnforcementTable+EncryptedDNS.swift).
    public let rejectsEncryptedDNS: Bool

    public init(
        depth: Int = 12, ownedInterfaces: [String] = [], ownMark: UInt32? = nil, capture: DNSCapture? = nil,
        rejectsEncryptedDNS: Bool = false
    ) {
        precondition(depth >= 1, "depth must be at least 1")
        precondition(ownMark != 0, "mark 0 is every unmarked packet")
        self.depth = depth
        self.ownedInterfaces = ownedInterfaces
        self.ownMark = ownMark
        self.capture = capture
        self.rejectsEncryptedDNS = rejectsEncryptedDNS
    }

    /// Creates the table, or resets an existing one, in one transaction:
    /// `table … {}` makes sure it exists so the flush cannot fail, the
    /// flush empties its chains, the definitions fill them. Run twice, it
    /// leaves one table with one copy of each rule. Set elements survive
    /// (nft's `flush table` empties chains, not sets): cgroups governed
    /// before a restart stay governed through it, fail-closed, and their
    /// pins stay until they expire.
    public var createScript: String {
        let table = Self.qualifiedName
        var lines = [
            "table \(table) {}",
            "flush table \(table)",
            "table \(table) {",
            // The element counters count each governed cgroup's rejects: the kernel
            // updates them on every successful lookup, and only the rejects look it up.
            "  set governed { type cgroupsv2; counter; }",
            "  set pin4 { type cgroupsv2 . ipv4_addr; flags timeout; }",
            "  set pin6 { type cgroupsv2 . ipv6_addr; flags timeout; }",
        ] + appRuleSets + encryptedDNSSets + appRuleChains
        lines += ["  chain out {", "    type filter hook output priority 0; policy accept;"]
        // Loopback first: every stub-resolver query and reply is accepted by one rule
        // (the rules after it only accept too, so the order changes no verdict).
        lines.append("    oif lo accept")
        // pinholed's own traffic, even through an owned interface.
        lines += ownTrafficRules
        lines.append("    ct state established,related accept")
        // Redirected DNS still shows the original route's device here, not lo: before the interface rules.
        lines += captureAcceptRules
        lines += interfaceRules
        lines += encryptedDNSJumps
        for level in 1...depth {
            lines.append("    socket cgroupv2 level \(level) . ip daddr @pin4 accept")
            lines.append("    socket cgroupv2 level \(level) . ip6 daddr @pin6 accept")
        }
        lines += staticRangeRules
        for level in 1...depth {
            // l4proto first: a UDP packet must not look the set up (and count) twice.
            lines.append("    meta l4proto tcp socket cgroupv2 level \(level) @governed counter reject with tcp reset")
            lines.append("    socket cgroupv2 level \(level) @governed counter reject with icmpx admin-prohibited")
        }
        lines.append("  }")
        lines += encryptedDNSChain
        lines += captureChain
        lines.append("}")
        lines += appRuleResets
        return lines.joined(separator: "\n") + "\n"
    }

    /// Deletes the table (fails when there is none).
    public static var removeScript: String { "delete table \(qualifiedName)\n" }

    /// Creates (or resets) the table through `nft`, keeping set elements.
    /// A table of another layout (an older pinholed declared a set
    /// differently, and nft refuses to redeclare it) cannot be adopted: it
    /// is then deleted and built afresh in the same transaction, and its
    /// pins and governed cgroups are lost. Returns that error when it
    /// happened (nil: adopted or new), for the caller to report.
    @discardableResult
    public func create(with nft: Nftables) throws(NftablesError) -> NftablesError? {
        do {
            try nft.run(createScript)
            return nil
        } catch {
            guard error.message.contains("File exists") else { throw error }
            try nft.run("table \(Self.qualifiedName) {}\n" + Self.removeScript + createScript)
            return error
        }
    }

    /// Deletes the table; when `ifPresent`, a missing table is not an error.
    public static func remove(with nft: Nftables, ifPresent: Bool = false) throws(NftablesError) {
        do {
            try nft.run(removeScript)
        } catch {
            guard ifPresent, error.message.contains("No such file or directory") else { throw error }
        }
    }
}
