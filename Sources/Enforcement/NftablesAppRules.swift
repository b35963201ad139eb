import Foundation
import PinholeCore

/// Keeps the kernel's per-app entries of `restricted`, `ifaces`, `owners`
/// and `static4/6` (see `EnforcementTable+AppRules`) equal to what the
/// policy says for each app cgroup.
///
/// `apply` is called for every attributed query, so it remembers what it
/// sent per cgroup and costs a dictionary lookup when nothing changed; a
/// change (a reload edited the profile) is one transaction that deletes
/// the old entries and adds the new. It takes only (cgroup path, rules or
/// profile), so a cgroup watcher can call it before the app's first query.
public final class NftablesAppRules: @unchecked Sendable {
    /// What one cgroup has in the kernel.
    struct Entries: Equatable {
        var interfaces: [String] = []
        var owned: [String] = []
        var ranges: [CIDRBlock] = []
    }

    private let nft: Nftables
    /// Who may use which owned interface (the table's `owned` set holds its keys).
    public let owners: InterfaceOwners
    private let lock = NSLock()
    private var applied: [String: Entries] = [:]
    /// The rules last applied per cgroup path as given: the per-query fast
    /// path compares these, without matching owner globs again.
    private var lastRules: [String: AppNetworkRules] = [:]

    public init(nft: Nftables, owners: InterfaceOwners = InterfaceOwners()) {
        self.nft = nft
        self.owners = owners
    }

    /// Applies `profile`'s `interfaces` and `allow_cidrs` (and the
    /// interfaces the cgroup owns) to `cgroupPath`.
    @discardableResult
    public func apply(cgroupPath: String, profile: AppProfile) throws(NftablesError) -> Bool {
        try apply(cgroupPath: cgroupPath, rules: AppNetworkRules(profile: profile))
    }

    /// Adds the interfaces `cgroupPath` owns (`interface_owners`) when
    /// nothing has been applied to it yet. The cgroup watcher calls it as a
    /// unit cgroup appears, so an owner may use its interface before its
    /// first DNS query (and again after a restart, which empties `owners`),
    /// also while its profile is still undecided. Returns whether a command
    /// was sent.
    @discardableResult
    public func applyOwnership(cgroupPath: String) throws(NftablesError) -> Bool {
        let key = Self.normalized(cgroupPath)
        let owned = owners.interfaces(ownedByCgroup: key)
        guard !owned.isEmpty else { return false }
        lock.lock()
        defer { lock.unlock() }
        guard applied[key] == nil else { return false }
        let wanted = Entries(owned: owned)
        try nft.run(Self.commands("add", try NftablesPinner.nftPath(key), wanted))
        applied[key] = wanted
        return true
    }

    /// Brings the entries of `cgroupPath` to `rules` plus the interfaces
    /// it owns. Returns whether a command was sent (false: unchanged).
    @discardableResult
    public func apply(cgroupPath: String, rules: AppNetworkRules) throws(NftablesError) -> Bool {
        if lock.withLock({ lastRules[cgroupPath] == rules }) { return false }
        let key = Self.normalized(cgroupPath)
        let wanted = Entries(
            interfaces: rules.interfaces, owned: owners.interfaces(ownedByCgroup: key),
            ranges: Self.outermost(rules.allowCIDRs))
        lock.lock()
        defer { lock.unlock() }
        let old = applied[key] ?? Entries()
        guard old != wanted else {
            lastRules[cgroupPath] = rules
            return false
        }
        let path = try NftablesPinner.nftPath(key)
        do {
            try nft.run(Self.commands("delete", path, old) + Self.commands("add", path, wanted))
        } catch {
            // The old entries may be gone already (the table was rebuilt): add alone.
            try nft.run(Self.commands("add", path, wanted))
        }
        applied[key] = wanted
        lastRules[cgroupPath] = rules
        return true
    }

    /// Removes what was applied to `cgroupPath` from the kernel and from
    /// memory (the cgroup went away, or is no longer the app's).
    public func remove(cgroupPath: String) throws(NftablesError) {
        let key = Self.normalized(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        lastRules = lastRules.filter { Self.normalized($0.key) != key }
        guard let old = applied.removeValue(forKey: key) else { return }
        let script = Self.commands("delete", try NftablesPinner.nftPath(key), old)
        if !script.isEmpty { try nft.run(script) }
    }

    /// Forgets `cgroupPath` without a kernel call (the cgroup is gone, and
    /// its elements with it as far as matching goes).
    public func forget(cgroupPath: String) {
        lock.lock()
        defer { lock.unlock() }
        let key = Self.normalized(cgroupPath)
        applied[key] = nil
        lastRules = lastRules.filter { Self.normalized($0.key) != key }
    }

    /// `add`/`delete element` commands for one cgroup's entries ("" for none).
    static func commands(_ verb: String, _ path: String, _ entries: Entries) -> String {
        let table = EnforcementTable.qualifiedName
        var script = ""
        func line(_ set: String, _ elements: [String]) {
            if !elements.isEmpty { script += "\(verb) element \(table) \(set) { \(elements.joined(separator: ", ")) }\n" }
        }
        if !entries.interfaces.isEmpty {
            line("restricted", [path])
            line("ifaces", entries.interfaces.map { "\(path) . \(quoted($0))" })
        }
        line("owners", entries.owned.map { "\(path) . \(quoted($0))" })
        let v4 = entries.ranges.filter { if case .v4 = $0.network { true } else { false } }
        let v6 = entries.ranges.filter { if case .v4 = $0.network { false } else { true } }
        line("static4", v4.map { "\(path) . \($0)" })
        line("static6", v6.map { "\(path) . \($0)" })
        return script
    }

    /// An interface name as an nft string ("wg0" → "\"wg0\"").
    static func quoted(_ name: String) -> String { "\"\(name)\"" }

    /// Ranges inside another one of the list dropped: an interval set
    /// refuses overlapping elements for the same cgroup.
    static func outermost(_ blocks: [CIDRBlock]) -> [CIDRBlock] {
        blocks.filter { inner in
            !blocks.contains { outer in
                outer != inner && outer.prefixLength <= inner.prefixLength && outer.contains(inner.network)
            }
        }
    }

    private static func normalized(_ path: String) -> String {
        String(path.split(separator: "/", omittingEmptySubsequences: true).joined(separator: "/"))
    }
}
