/// Deletes, by id, the elements of cgroups that are gone from the sets an
/// earlier pinholed left behind (a restart after a crash or with
/// `fail_closed`): while pinholed is down nobody deletes the elements of a
/// cgroup that goes. One netlink dump per set and one walk of the cgroup2
/// tree, at start.
///
/// `governed` is swept by `GovernedSet.adopt` (which also learns the live
/// ids' paths), the app-rule sets (`restricted`, `ifaces`, `owners`,
/// `static4/6`) by `NftablesAppRules.adopt`. This covers the pins:
/// `pin4`, `pin6`.
public enum GoneCgroupSweep {
    /// The sets swept.
    public static let sets: [SetElement.Kind] = [.pin4, .pin6]

    /// Deletes the elements of `sets` whose cgroup is not under
    /// `mountPoint` (the cgroup2 root); returns how many went.
    @discardableResult
    public static func run(mountPoint: String) throws(NetlinkError) -> Int {
        let writer = try NetlinkSetWriter()
        var byKind: [(SetElement.Kind, [SetElement])] = []
        var ids: Set<UInt64> = []
        for kind in sets {
            let elements = try writer.keys(set: kind.rawValue).compactMap { SetElement(kind: kind, key: $0) }
            ids.formUnion(elements.map(\.cgroup))
            byKind.append((kind, elements))
        }
        guard !ids.isEmpty else { return 0 }
        let live = GovernedSet.cgroupPaths(under: mountPoint, wanted: ids)
        let gone = byKind.flatMap(\.1).filter { live[$0.cgroup] == nil }
        try writer.destroy(gone)
        return gone.count
    }
}
