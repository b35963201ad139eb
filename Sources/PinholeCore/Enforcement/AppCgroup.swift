/// Which cgroup is "the app" for enforcement (DESIGN.md): the systemd unit
/// (service or scope) that contains the process, else the process's own
/// cgroup. Pins and the governed set name this cgroup, so every process of
/// the unit, children included, shares them.
public enum AppCgroup {
    /// The path of `identity`'s app cgroup, without the leading slash (the
    /// form nft's text syntax takes, relative to the cgroup2 root).
    public static func path(of identity: AppIdentity) -> String {
        // Fast path, run for every answer: the unit is the last component (no split and join).
        if let unit = identity.userUnit ?? identity.unit, let path = unitLast(identity.cgroupPath, unit) { return path }
        let components = identity.cgroupPath.split(separator: "/", omittingEmptySubsequences: true)
        // The deepest component naming the unit: a user unit sits below user@UID.service.
        for unit in [identity.userUnit, identity.unit].compactMap({ $0 }) {
            if let index = components.lastIndex(where: { $0 == unit }) {
                return components[...index].joined(separator: "/")
            }
        }
        return components.joined(separator: "/")
    }

    /// `cgroupPath` without its leading slash when it is a plain "/a/b/…/unit" path.
    private static func unitLast(_ cgroupPath: String, _ unit: String) -> String? {
        let utf8 = cgroupPath.utf8
        guard utf8.first == UInt8(ascii: "/"), utf8.count >= unit.utf8.count + 1, cgroupPath.hasSuffix(unit) else { return nil }
        let slash = utf8.index(utf8.endIndex, offsetBy: -(unit.utf8.count + 1))
        guard utf8[slash] == UInt8(ascii: "/"), !cgroupPath.contains("//") else { return nil }
        return String(cgroupPath.dropFirst())
    }
}
