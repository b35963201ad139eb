import Glibc

extension CgroupTree {
    /// The cgroup2 mount this process sees: /sys/fs/cgroup when a cgroup2
    /// root is mounted there (a modern layout, or a mount namespace that
    /// mounted one over a hybrid layout, whose shadowed
    /// /sys/fs/cgroup/unified entry mountinfo still lists first), else the
    /// first cgroup2 mount of mountinfo (/sys/fs/cgroup/unified on a hybrid host).
    public static func visibleCgroup2MountPoint() throws(ProcessReadError) -> String {
        // Only a cgroup2 hierarchy has cgroup.controllers; hybrid's /sys/fs/cgroup is a tmpfs.
        if access("/sys/fs/cgroup/cgroup.controllers", F_OK) == 0 { return "/sys/fs/cgroup" }
        return try cgroup2MountPoint()
    }
}
