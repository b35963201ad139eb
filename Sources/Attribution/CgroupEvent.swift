/// A change in the cgroup2 tree, as `CgroupWatcher` reports it. Paths are
/// v2 paths as /proc/PID/cgroup gives them ("/system.slice/nginx.service").
public enum CgroupEvent: Sendable, Hashable {
    /// The cgroup exists (it was created, or it was there at the first scan).
    case appeared(String)
    /// The cgroup was removed.
    case removed(String)
    /// A cgroup whose population is watched now has a process in it.
    case populated(String)
}
