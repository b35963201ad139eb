/// Which cgroup is "the app" for enforcement (DESIGN.md): the systemd unit
/// (service or scope) that contains the process, else the process's own
/// cgroup. Pins and the governed set name this cgroup, so every process of
/// the unit, children included, shares them.
public enum AppCgroup {
    /// The path of `identity`'s app cgroup, without the leading slash (the
    /// form nft's text syntax takes, relative to the cgroup2 root).
    public static func path(of identity: AppIdentity) -> String {
        identity.appCgroup
    }

    /// The app cgroup of a process in `cgroupPath` whose system unit is
    /// `unit` and user unit `userUnit`, without the leading slash.
    public static func path(cgroupPath: String, unit: String?, userUnit: String?) -> String {
        derive(cgroupPath: cgroupPath, unit: unit, userUnit: userUnit)
    }

    /// The deepest path component naming the unit (a user unit sits below
    /// user@UID.service) and everything above it; the whole path when no
    /// component names it.
    static func derive(cgroupPath: String, unit: String?, userUnit: String?) -> String {
        let components = cgroupPath.split(separator: "/", omittingEmptySubsequences: true)
        for unit in [userUnit, unit].compactMap({ $0 }) {
            if let index = components.lastIndex(where: { $0 == unit }) {
                return components[...index].joined(separator: "/")
            }
        }
        return components.joined(separator: "/")
    }

    /// Whether a cgroup is itself an app cgroup of a unit (what the cgroup
    /// watcher governs proactively): its last component is the unit or user
    /// unit (`unit`, `userUnit` as derived from its path). Slices, cgroups
    /// inside a unit and cgroups outside any unit are not.
    public static func isUnitCgroup(cgroupPath: String, unit: String?, userUnit: String?) -> Bool {
        guard let last = cgroupPath.split(separator: "/").last, last.hasSuffix(".service") || last.hasSuffix(".scope") else {
            return false
        }
        let relative = cgroupPath.split(separator: "/").joined(separator: "/")
        return (unit != nil || userUnit != nil) && path(cgroupPath: cgroupPath, unit: unit, userUnit: userUnit) == relative
    }
}
