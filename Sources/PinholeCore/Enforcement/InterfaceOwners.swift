/// The global `interface_owners`: interfaces only some apps may use
/// ("only the VPN client and the accounting app may use wg0"). An app is
/// named by a glob over its app cgroup's unit (the last component of
/// `AppCgroup.path`, "vpn.service"), so a proactive watcher that knows
/// only a cgroup path can tell owners too.
public struct InterfaceOwners: Sendable, Equatable {
    /// Interface name → the unit globs that may use it.
    public let owners: [String: [Glob]]

    public init(_ owners: [String: [Glob]] = [:]) {
        self.owners = owners
    }

    /// The owned interfaces, sorted: every other app is refused on them.
    public var interfaces: [String] { owners.keys.sorted() }

    /// The interfaces the app whose cgroup is `cgroupPath` owns, sorted.
    public func interfaces(ownedByCgroup cgroupPath: String) -> [String] {
        guard let unit = cgroupPath.split(separator: "/").last.map(String.init) else { return [] }
        return owners.filter { $0.value.contains { $0.matches(unit) } }.keys.sorted()
    }
}
