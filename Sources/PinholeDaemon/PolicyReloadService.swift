import Logging
import PinholeCore
import ServiceLifecycle
import UnixSignals

/// Reloads the policy on SIGHUP: everything is read and checked first; on
/// any error the running policy stays and every error is logged with
/// file:line. The swap is atomic (`PolicyStore`): no query sees half a policy.
/// Reloads go through `PolicyControl`, so they never interleave with a
/// control-socket edit and `status` knows the last result.
struct PolicyReloadService: Service {
    let control: PolicyControl
    /// Called once SIGHUP is trapped (from then on it reloads, never kills).
    var onTrapped: @Sendable () -> Void = {}

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        onTrapped()
        for await _ in hangups.cancelOnGracefulShutdown() {
            _ = control.reload(reason: "SIGHUP")
        }
    }
}
