import Logging
import ServiceLifecycle

/// Runs the `CgroupGovernor` for the daemon's lifetime: it was started
/// (tree scanned, cgroups decided) before the listeners; this stops its
/// watcher thread on shutdown.
struct GovernorService: Service {
    let governor: CgroupGovernor

    func run() async throws {
        try? await gracefulShutdown()
        governor.stop()
    }
}
