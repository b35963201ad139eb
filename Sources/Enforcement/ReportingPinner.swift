import PinholeCore
import Synchronization

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
    /// Cgroups already governed: a repeat costs a set lookup, not an nft call.
    private let governed = Mutex<Set<String>>([])

    public init(
        _ pinner: NftablesPinner, appRules: NftablesAppRules? = nil, onFailure: @escaping @Sendable (NftablesError) -> Void
    ) {
        self.pinner = pinner
        self.appRules = appRules
        self.onFailure = onFailure
    }

    public func govern(cgroupPath: String) {
        guard governed.withLock({ $0.insert(cgroupPath).inserted }) else { return }
        do {
            try pinner.govern(cgroupPath: cgroupPath)
        } catch {
            governed.withLock { _ = $0.remove(cgroupPath) }
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

    public func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) {
        do {
            _ = try pinner.pin(cgroupPath: cgroupPath, addresses: addresses, timeout: Int(seconds))
        } catch {
            onFailure(error)
        }
        completion()
    }
}
