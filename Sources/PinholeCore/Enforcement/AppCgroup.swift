/// Which cgroup is "the app" for enforcement (DESIGN.md): the systemd unit
/// (service or scope) that contains the process, else the process's own
/// cgroup. Pins and the governed set name this cgroup, so every process of
/// the unit, children included, shares them.
public enum AppCgroup {
    /// The path of `identity`'s app cgroup, without the leading slash (the
    /// form nft's text syntax takes, relative to the cgroup2 root).
    public static func path(of identity: AppIdentity) -> String {
        let components = identity.cgroupPath.split(separator: "/", omittingEmptySubsequences: true)
        // The deepest component naming the unit: a user unit sits below user@UID.service.
        for unit in [identity.userUnit, identity.unit].compactMap({ $0 }) {
            if let index = components.lastIndex(where: { $0 == unit }) {
                return components[...index].joined(separator: "/")
            }
        }
        return components.joined(separator: "/")
    }
}
