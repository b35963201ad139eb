import Logging
import PinholeCore
import ServiceLifecycle
import UnixSignals

/// Reloads the policy on SIGHUP: everything is read and checked first; on
/// any error the running policy stays and every error is logged with
/// file:line. The swap is atomic (`PolicyStore`): no query sees half a policy.
/// Reloads go through `PolicyControl`, so they never interleave with a
/// control-socket edit and `status` knows the last result.
///
/// SIGHUP is trapped even with `[policy] enabled = false` (no `control`):
/// `systemctl reload` must never kill the daemon (SIGHUP's default action);
/// it then re-reads only varlink's search domains, logs that there is
/// nothing (else) to reload and still says
/// RELOADING=1/READY=1, which systemd waits for.
struct PolicyReloadService: Service {
    /// nil when the policy is off.
    let control: PolicyControl?
    let logger: Logger
    /// READY=1 with this status after a reload that had nothing to do.
    var status: @Sendable () -> String = { "" }
    /// Called once SIGHUP is trapped (from then on it reloads, never kills).
    var onTrapped: @Sendable () -> Void = {}
    /// With the policy off, what a SIGHUP still re-reads (with it on,
    /// `control.reload` calls its own `rereadSettings`).
    var rereadSettings: @Sendable () -> Void = {}

    func run() async throws {
        let hangups = await UnixSignalsSequence(trapping: .sighup)
        onTrapped()
        for await _ in hangups.cancelOnGracefulShutdown() {
            if let control {
                _ = control.reload(reason: "SIGHUP")
            } else {
                SystemdNotifier.reloading()
                rereadSettings()
                logger.notice("SIGHUP: nothing to reload (policy.enabled = false); pinhole.toml is read only at start, but for varlink's search domains")
                SystemdNotifier.reloaded(status: status())
            }
        }
    }
}
