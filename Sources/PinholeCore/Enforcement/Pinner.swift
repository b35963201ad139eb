/// Opens the firewall for the addresses an app resolved (nftables sets in
/// the `Enforcement` target).
public protocol Pinner: Sendable {
    /// Pins `addresses` for the cgroup at `cgroupPath` (relative to the
    /// cgroup2 root, "system.slice/nginx.service") for `seconds`, and calls
    /// `completion` once the kernel has them: the reply leaves only then.
    func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void)
    /// Puts the cgroup at `cgroupPath` under enforcement: from now on its
    /// sockets reach only pinned addresses. Idempotent and cheap when repeated.
    func govern(cgroupPath: String)
    /// Applies `rules` (the profile's `interfaces` and `allow_cidrs`) and
    /// the interfaces the cgroup owns (`interface_owners`) to the cgroup at
    /// `cgroupPath`, before the reply leaves. Cheap when nothing changed.
    func restrict(cgroupPath: String, rules: AppNetworkRules)
}

extension Pinner {
    /// Pinners that enforce no per-app network rules ignore them.
    public func restrict(cgroupPath: String, rules: AppNetworkRules) {}
}
