import Foundation
import PinholeCore

/// Keeps the kernel's per-app entries of `restricted`, `ifaces`, `owners`
/// and `static4/6` (see `EnforcementTable+AppRules`) equal to what the
/// policy says for each app cgroup.
///
/// Elements go over netlink by numeric cgroup id (`NetlinkSetWriter`; the
/// name is historical: nft text named cgroups by path). Each cgroup's id is
/// remembered with what was sent for it, so its entries can be deleted
/// after the cgroup is gone (`remove`, `forget`).
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

        /// Equal entries in any order (what the kernel holds has none).
        func same(as other: Entries) -> Bool {
            interfaces.sorted() == other.interfaces.sorted() && owned.sorted() == other.owned.sorted()
                && Set(ranges) == Set(other.ranges) && ranges.count == other.ranges.count
        }
    }

    /// Path → cgroup id.
    public let ids: CgroupIds
    private let writer: NetlinkSetWriter
    /// Who may use which owned interface (the table's `owned` set holds its keys).
    public let owners: InterfaceOwners
    private let lock = NSLock()
    /// Per cgroup path: its id and what the kernel has for it.
    private var applied: [String: (id: UInt64, entries: Entries)] = [:]
    /// The rules last applied per cgroup path as given: the per-query fast
    /// path compares these, without matching owner globs again.
    private var lastRules: [String: AppNetworkRules] = [:]
    /// Cgroup paths whose entries were adopted from the kernel (`adopt`)
    /// and not decided since: `dropUnclaimed` removes them.
    private var unclaimed: Set<String> = []

    /// Opens a netlink socket in the calling thread's network namespace.
    /// - Parameter ids: path → id; nil: the cgroup2 mount of the calling thread.
    public init(ids: CgroupIds? = nil, owners: InterfaceOwners = InterfaceOwners()) throws(NetlinkError) {
        if let ids { self.ids = ids } else { self.ids = try CgroupIds() }
        self.writer = try NetlinkSetWriter()
        self.owners = owners
    }

    /// Applies `profile`'s `interfaces` and `allow_cidrs` (and the
    /// interfaces the cgroup owns) to `cgroupPath`.
    @discardableResult
    public func apply(cgroupPath: String, profile: AppProfile) throws(NetlinkError) -> Bool {
        try apply(cgroupPath: cgroupPath, rules: AppNetworkRules(profile: profile))
    }

    /// Adds the interfaces `cgroupPath` owns (`interface_owners`) when
    /// nothing has been applied to it yet. The cgroup watcher calls it as a
    /// unit cgroup appears, so an owner may use its interface before its
    /// first DNS query (and again after a restart, which empties `owners`),
    /// also while its profile is still undecided. Returns whether a command
    /// was sent.
    @discardableResult
    public func applyOwnership(cgroupPath: String) throws(NetlinkError) -> Bool {
        let key = Self.normalized(cgroupPath)
        let owned = owners.interfaces(ownedByCgroup: key)
        guard !owned.isEmpty else { return false }
        lock.lock()
        defer { lock.unlock() }
        if let adopted = applied[key], unclaimed.contains(key) {
            // Left by an earlier pinholed and undecided yet: the owned part is the config's now.
            var wanted = adopted.entries
            wanted.owned = owned
            guard !wanted.same(as: adopted.entries) else { return false }
            try replace(adopted.entries, with: wanted, cgroup: adopted.id)
            applied[key] = (adopted.id, wanted)
            return true
        }
        guard applied[key] == nil else { return false }
        let wanted = Entries(owned: owned)
        let id = try ids.id(of: key)
        try writer.add(Self.elements(wanted, cgroup: id))
        applied[key] = (id, wanted)
        return true
    }

    /// Brings the entries of `cgroupPath` to `rules` plus the interfaces
    /// it owns. Returns whether a command was sent (false: unchanged).
    @discardableResult
    public func apply(cgroupPath: String, rules: AppNetworkRules) throws(NetlinkError) -> Bool {
        if lock.withLock({ lastRules[cgroupPath] == rules }) { return false }
        let key = Self.normalized(cgroupPath)
        let wanted = Entries(
            interfaces: rules.interfaces, owned: owners.interfaces(ownedByCgroup: key),
            ranges: Self.outermost(rules.allowCIDRs))
        lock.lock()
        defer { lock.unlock() }
        let old = applied[key]?.entries ?? Entries()
        guard !old.same(as: wanted) else {
            lastRules[cgroupPath] = rules
            unclaimed.remove(key)
            return false
        }
        let id: UInt64
        if let known = applied[key]?.id { id = known } else { id = try ids.id(of: key) }
        try replace(old, with: wanted, cgroup: id)
        applied[key] = (id, wanted)
        lastRules[cgroupPath] = rules
        unclaimed.remove(key)
        return true
    }

    /// Takes over the entries the kernel holds (a restart after a crash,
    /// or after a stop with `fail_closed`; the elements outlive pinholed):
    /// those of cgroups that still exist are remembered as applied, so the
    /// first `apply` for such a cgroup deletes what its policy no longer
    /// says; those of cgroups that are gone are deleted by id. One netlink
    /// dump per set and one walk of the cgroup2 tree. Returns how many
    /// cgroups of each.
    @discardableResult
    public func adopt() throws(NetlinkError) -> (kept: Int, dropped: Int) {
        var byCgroup: [UInt64: [SetElement]] = [:]
        for kind in [SetElement.Kind.restricted, .ifaces, .owners, .static4, .static6] {
            for element in try writer.elements(of: kind) { byCgroup[element.cgroup, default: []].append(element) }
        }
        guard !byCgroup.isEmpty else { return (0, 0) }
        let paths = GovernedSet.cgroupPaths(under: ids.mountPoint, wanted: Set(byCgroup.keys))
        var stale: [SetElement] = []
        lock.lock()
        defer { lock.unlock() }
        for (id, elements) in byCgroup {
            guard let path = paths[id], applied[path] == nil else {
                stale += elements
                continue
            }
            let entries = Self.entries(elements)
            // What `Entries` cannot say (a `restricted` without interfaces) goes now rather than never.
            let known = Set(Self.elements(entries, cgroup: id))
            stale += elements.filter { !known.contains($0) }
            applied[path] = (id, entries)
            unclaimed.insert(path)
        }
        try writer.destroy(stale)
        return (paths.count, byCgroup.count - paths.count)
    }

    /// Removes the adopted entries of every cgroup no `apply` or
    /// `applyOwnership` decided since `adopt`, except `keeping` (cgroups
    /// whose decision waits for a process). The cgroup governor calls it
    /// once it has decided every existing cgroup: what is left is of
    /// cgroups no profile rule covers any more. Returns their paths.
    @discardableResult
    public func dropUnclaimed(keeping: Set<String> = []) throws(NetlinkError) -> [String] {
        let keep = Set(keeping.map(Self.normalized))
        lock.lock()
        defer { lock.unlock() }
        let dropped = unclaimed.filter { !keep.contains($0) }.sorted()
        unclaimed = []
        let elements = dropped.flatMap { path in applied[path].map { Self.elements($0.entries, cgroup: $0.id) } ?? [] }
        for path in dropped { applied[path] = nil }
        try writer.destroy(elements)
        return dropped
    }

    /// Sends what turns `old` into `wanted` for `cgroup`: destroys (no
    /// error for an entry that is gone already, e.g. the table was
    /// rebuilt) what `wanted` lacks, then adds `wanted`.
    private func replace(_ old: Entries, with wanted: Entries, cgroup id: UInt64) throws(NetlinkError) {
        let kept = Set(Self.elements(wanted, cgroup: id))
        try writer.destroy(Self.elements(old, cgroup: id).filter { !kept.contains($0) })
        try writer.add(Self.elements(wanted, cgroup: id))
    }

    /// The entries a cgroup's kernel elements stand for, sorted.
    static func entries(_ elements: [SetElement]) -> Entries {
        var entries = Entries()
        let restricted = elements.contains { $0.kind == .restricted }
        for element in elements {
            switch element.kind {
            case .ifaces where restricted: element.interface.map { entries.interfaces.append($0) }
            case .owners: element.interface.map { entries.owned.append($0) }
            case .static4, .static6: element.block.map { entries.ranges.append($0) }
            default: break
            }
        }
        entries.interfaces.sort()
        entries.owned.sort()
        entries.ranges.sort { $0.description < $1.description }
        return entries
    }

    /// Removes what was applied to `cgroupPath` from the kernel (by its
    /// remembered id: the cgroup may be gone) and from memory.
    public func remove(cgroupPath: String) throws(NetlinkError) {
        let key = Self.normalized(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        lastRules = lastRules.filter { Self.normalized($0.key) != key }
        unclaimed.remove(key)
        guard let old = applied.removeValue(forKey: key) else { return }
        try writer.destroy(Self.elements(old.entries, cgroup: old.id))
    }

    /// Removes `cgroupPath`'s entries like `remove`, for a cgroup that went
    /// away: a failure is not thrown but returned (nil: none), so the
    /// caller's cleanup goes on. A cgroup re-created at the path meanwhile
    /// (a restarted service, whose `applyOwnership` saw the path applied
    /// already) gets the same entries under its new id.
    @discardableResult
    public func forget(cgroupPath: String) -> NetlinkError? {
        let key = Self.normalized(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        let rules = lastRules[cgroupPath]
        lastRules = lastRules.filter { Self.normalized($0.key) != key }
        unclaimed.remove(key)
        guard let old = applied.removeValue(forKey: key) else { return nil }
        do {
            try writer.destroy(Self.elements(old.entries, cgroup: old.id))
            if let now = try? ids.currentID(of: key), now != old.id {
                try writer.add(Self.elements(old.entries, cgroup: now))
                applied[key] = (now, old.entries)
                if let rules { lastRules[cgroupPath] = rules }
            }
            return nil
        } catch {
            return error
        }
    }

    /// The kernel elements of one cgroup's entries.
    static func elements(_ entries: Entries, cgroup: UInt64) -> [SetElement] {
        var elements: [SetElement] = []
        if !entries.interfaces.isEmpty {
            elements.append(.restricted(cgroup: cgroup))
            elements += entries.interfaces.map { .interface($0, cgroup: cgroup, owner: false) }
        }
        elements += entries.owned.map { .interface($0, cgroup: cgroup, owner: true) }
        elements += entries.ranges.map { .range($0, cgroup: cgroup) }
        return elements
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
