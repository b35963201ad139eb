import Attribution
import Logging

extension Daemon {
    /// With enforcement on, gives pinholed cgroup2 at /sys/fs/cgroup, where
    /// nft resolves cgroup paths, on hosts that mount it elsewhere (hybrid
    /// layouts): a private mount namespace, see `CgroupMountView`. Logs one
    /// notice when it does. Must be called while the process has one thread:
    /// first thing in `main`, before any `await`, NIO or Dispatch.
    ///
    /// When it cannot (no CAP_SYS_ADMIN, more threads), startup fails: with
    /// cgroup paths unresolvable, no app would be governed while the table
    /// and `pinhole status` claimed enforcement, a silent hole an admin
    /// should hear about before it matters, not from a warning in the log.
    /// - Throws: `StartupError.cgroupView`.
    public static func prepareCgroupView(_ config: DaemonConfig, logger: Logger) throws(StartupError) {
        guard config.enforcement.enabled else { return }
        let outcome: CgroupMountView.Outcome
        do {
            outcome = try CgroupMountView.makeVisible()
        } catch {
            throw StartupError.cgroupView(error, cgroup2: CgroupMountView.misplacedCgroup2Mount() ?? "?")
        }
        if case .privateNamespace(let source) = outcome {
            logger.notice(
                "cgroup2 is mounted at \(source), not \(CgroupMountView.target) (a hybrid cgroup layout): pinholed runs in a private mount namespace with it bound at \(CgroupMountView.target), where nft resolves cgroup paths",
                metadata: ["cgroup2": "\(source)"])
        }
    }
}
