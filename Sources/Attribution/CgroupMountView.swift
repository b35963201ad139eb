import CLinux
import Glibc

/// Makes the cgroup2 hierarchy visible at /sys/fs/cgroup for this process,
/// on hosts that mount it elsewhere.
///
/// nft's text and JSON syntax (libnftables: the `governed` set, per-app
/// sets, listings) name cgroups by path and resolve them against
/// /sys/fs/cgroup in the calling thread's mount namespace. On a hybrid host
/// (v1 controllers under a tmpfs at /sys/fs/cgroup, cgroup2 at
/// /sys/fs/cgroup/unified) no cgroup2 path exists there: governing fails and
/// listings show bare ids. `makeVisible()` moves the whole process into a
/// private mount namespace with `/` recursively private (nothing propagates
/// back to the host) and the cgroup2 mount bound over /sys/fs/cgroup, where
/// nft, `CgroupIds` (the last cgroup2 line of mountinfo) and `CgroupTree` /
/// the cgroup watcher (`visibleCgroup2MountPoint`) all look. mountinfo
/// still lists the covered /sys/fs/cgroup/unified first: code that finds
/// cgroup2 must use those two rules, not the first cgroup2 line.
///
/// Why the whole process and not one libnftables thread of its own
/// (unshare(CLONE_FS | CLONE_NEWNS) on that thread, as the tests'
/// `NamespacedThread` does): every libnftables call (table, governed set,
/// app rules, DoH sets, listings, and whatever is added later) would have to
/// hop to that thread, and a single call made elsewhere would silently
/// resolve paths in the host's view again; mountinfo read from other threads
/// would disagree with nft's. One view for the process has none of these
/// seams. Its price is that it must happen while the process has one
/// thread: a thread's mount namespace is inherited by threads it creates
/// later, but unshare moves only the calling thread, so threads started
/// before (Dispatch, NIO, the Swift concurrency pool) would stay behind.
/// pinholed therefore calls it first thing in `main`, before any `await`.
public enum CgroupMountView {
    /// What `makeVisible()` did.
    public enum Outcome: Sendable, Equatable {
        /// /sys/fs/cgroup is a cgroup2 mount already (or there is no cgroup2
        /// mount to show there): nothing to do.
        case unchanged
        /// The process now runs in a private mount namespace with the cgroup2
        /// mount found at `cgroup2` bound over /sys/fs/cgroup.
        case privateNamespace(cgroup2: String)
    }

    /// Where nft resolves cgroup paths.
    public static let target = "/sys/fs/cgroup"

    /// The cgroup2 mount to move to `target`: nil when `target` is cgroup2
    /// already or there is no cgroup2 mount.
    public static func misplacedCgroup2Mount(mountInfo: String = "/proc/self/mountinfo") -> String? {
        // Only a cgroup2 hierarchy has cgroup.controllers; hybrid's /sys/fs/cgroup is a tmpfs.
        guard access(target + "/cgroup.controllers", F_OK) != 0 else { return nil }
        return try? CgroupTree.cgroup2MountPoint(mountInfo: mountInfo)
    }

    /// How many threads this process has (/proc/self/task).
    public static func threadCount() -> Int {
        guard let directory = opendir("/proc/self/task") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            if entry.pointee.d_name.0 != 46 { count += 1 }  // not "." or ".."
        }
        return count
    }

    /// Moves the process into a private mount namespace with cgroup2 at
    /// /sys/fs/cgroup when the host mounts it elsewhere (see the type's
    /// comment); `.unchanged` when it is there already.
    /// - Throws: when the process has more than one thread, or unshare or a
    ///   mount fails (EPERM: needs CAP_SYS_ADMIN). After a failure past
    ///   unshare the process may be left in a private namespace whose
    ///   /sys/fs/cgroup is not usable: the caller should not start enforcing.
    public static func makeVisible() throws(CgroupMountViewError) -> Outcome {
        guard let source = misplacedCgroup2Mount() else { return .unchanged }
        let threads = threadCount()
        guard threads == 1 else {
            throw CgroupMountViewError(
                operation: "moving into a private mount namespace", errno: 0,
                detail: "the process has \(threads) threads; unshare would move only the calling one")
        }
        guard pinhole_unshare(PINHOLE_CLONE_NEWNS) == 0 else {
            throw CgroupMountViewError(operation: "unshare(CLONE_NEWNS)", errno: errno, detail: "needs CAP_SYS_ADMIN")
        }
        guard mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            throw CgroupMountViewError(operation: "making / recursively private in the new mount namespace", errno: errno)
        }
        // By path, in the new namespace (a mount of the old one, e.g. through
        // an fd opened before unshare, cannot be bound: EINVAL). It covers the
        // v1 tree, which stays listed in mountinfo below it, unreachable.
        guard mount(source, target, nil, UInt(MS_BIND), nil) == 0 else {
            throw CgroupMountViewError(operation: "bind-mounting \(source) on \(target)", errno: errno)
        }
        guard access(target + "/cgroup.controllers", F_OK) == 0 else {
            throw CgroupMountViewError(operation: "bind-mounting \(source) on \(target)", errno: 0, detail: "no cgroup2 there afterwards")
        }
        return .privateNamespace(cgroup2: source)
    }
}
