import PinholeCore

/// The `Pinner` the query pipeline and the cgroup governor share: pins go
/// through a `BatchingPinner` (netlink, by cgroup id; the answer leaves
/// once the kernel has them), governing through the `GovernedSet`, and a
/// profile's interfaces and static ranges through `NftablesAppRules`. A
/// failure is handed to `onFailure` (the daemon logs it); the answer still
/// leaves, and a governed app's connect then fails closed.
public final class ReportingPinner: Pinner {
    /// Pins, by netlink (its own failures go to its own `onFailure`).
    public let pins: BatchingPinner
    /// The governed cgroups: a repeat costs a set lookup, not a netlink call.
    public let governedSet: GovernedSet
    /// Interfaces, owners and static ranges per app; nil: none applied.
    public let appRules: NftablesAppRules?
    public let onFailure: @Sendable (NetlinkError) -> Void

    public init(
        pins: BatchingPinner, governedSet: GovernedSet, appRules: NftablesAppRules? = nil,
        onFailure: @escaping @Sendable (NetlinkError) -> Void
    ) {
        self.pins = pins
        self.governedSet = governedSet
        self.appRules = appRules
        self.onFailure = onFailure
    }

    public func govern(cgroupPath: String) {
        do {
            try governedSet.govern(cgroupPath)
        } catch {
            onFailure(error)
        }
    }

    public func restrict(cgroupPath: String, rules: AppNetworkRules) {
        guard let appRules else { return }
        do {
            try appRules.apply(cgroupPath: cgroupPath, rules: rules)
        } catch {
            onFailure(error)
        }
    }

    /// Forgets what is remembered for `cgroupPath` (its cgroup went away:
    /// a new one at that path is a new cgroup id to the kernel) and deletes
    /// its pins and app-rule elements from the kernel by id. Its `governed`
    /// element goes with `governedSet.dropGone`.
    public func forget(cgroupPath: String) {
        pins.forget(cgroupPath: cgroupPath)
        if let error = appRules?.forget(cgroupPath: cgroupPath) { onFailure(error) }
    }

    public func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) {
        pins.pin(addresses, cgroupPath: cgroupPath, seconds: seconds, completion: completion)
    }
}
