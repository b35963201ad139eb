import PinholeCore

/// The query pipeline's `Pinner` over an `NftablesPinner`: pins
/// synchronously on the calling thread (one nft transaction, none when
/// every address is pinned already) and then lets the answer go. A failed
/// pin is handed to `onFailure` (the daemon logs and counts it); the answer
/// still leaves, and a governed app's connect then fails closed.
public final class ReportingPinner: Pinner {
    public let pinner: NftablesPinner
    /// Interfaces, owners and static ranges per app; nil: none applied.
    public let appRules: NftablesAppRules?
    public let onFailure: @Sendable (NftablesError) -> Void
    /// The governed cgroups: a repeat costs a set lookup, not an nft call.
    public let governedSet: GovernedSet

    public init(
        _ pinner: NftablesPinner, governedSet: GovernedSet? = nil, appRules: NftablesAppRules? = nil,
        onFailure: @escaping @Sendable (NftablesError) -> Void
    ) {
        self.pinner = pinner
        self.governedSet = governedSet ?? GovernedSet(nft: pinner.nft)
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

    /// Forgets the pins remembered for `cgroupPath` (its cgroup went away).
    public func forget(cgroupPath: String) {
        pinner.forget(cgroupPath: cgroupPath)
    }

    public func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) {
        do {
            _ = try pinner.pin(cgroupPath: cgroupPath, addresses: addresses, timeout: Int(seconds))
        } catch {
            onFailure(error)
        }
        completion()
    }
}
