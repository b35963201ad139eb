import Logging
import PinholeCore
import ServiceLifecycle
import UnixSignals

/// Reloads the policy on SIGHUP: everything is read and checked first; on
/// any error the running policy stays and every error is logged with
/// file:line. The swap is atomic (`PolicyStore`): no query sees half a policy.
struct PolicyReloadService: Service {
    let settings: DaemonConfig.Policy
    let store: PolicyStore
    let logger: Logger
    /// Called after a reload put a new policy in force (the governor decides cgroups again).
    var onReload: @Sendable () -> Void = {}
    /// Called once SIGHUP is trapped (from then on it reloads, never kills).
    var onTrapped: @Sendable () -> Void = {}
    /// Called before and after every reload, applied or not (sd_notify RELOADING=1, READY=1).
    var willReload: @Sendable () -> Void = {}
    var didReload: @Sendable () -> Void = {}

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        onTrapped()
        for await _ in hangups.cancelOnGracefulShutdown() {
            willReload()
            let applied = Self.reload(settings, into: store, logger: logger)
            didReload()
            if applied { onReload() }
        }
    }

    /// One reload; returns whether the new policy is in force.
    @discardableResult
    static func reload(_ settings: DaemonConfig.Policy, into store: PolicyStore, logger: Logger) -> Bool {
        do {
            let loaded = try PolicyLoader.load(settings)
            store.replace(with: loaded.policy)
            loaded.report("policy reloaded", to: logger)
            return true
        } catch {
            logger.error("policy reload failed; the running policy stays in force\n\(error)")
            return false
        }
    }
}
