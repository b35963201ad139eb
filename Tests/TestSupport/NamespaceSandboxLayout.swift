/// How a `NamespaceSandbox` mounts cgroups inside its mount namespace.
public enum NamespaceSandboxLayout: Sendable {
    /// cgroup2 at /sys/fs/cgroup, as modern distributions mount it.
    case unified
    /// A hybrid host's layout: a tmpfs at /sys/fs/cgroup (where v1
    /// controllers would sit) and cgroup2 at /sys/fs/cgroup/unified, so
    /// cgroup paths nft resolves against /sys/fs/cgroup do not exist.
    case hybrid

    /// The shell commands that mount it (in the sandbox's mount namespace).
    var mountScript: String {
        switch self {
        case .unified:
            return "mount -t cgroup2 none /sys/fs/cgroup"
        case .hybrid:
            return "mount -t tmpfs -o mode=755 tmpfs /sys/fs/cgroup && mkdir /sys/fs/cgroup/unified"
                + " && mount -t cgroup2 none /sys/fs/cgroup/unified"
        }
    }

    /// Where cgroup2 is mounted inside.
    public var cgroup2MountPoint: String {
        switch self {
        case .unified: return "/sys/fs/cgroup"
        case .hybrid: return "/sys/fs/cgroup/unified"
        }
    }
}
