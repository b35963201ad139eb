extension EnforcementStatus {
    /// The same status with each app's cgroup as `rename` gives it (nil:
    /// kept), apps that come to the same name merged. nft names a cgroup by
    /// the first path under /sys/fs/cgroup whose inode number is its id: on
    /// a hybrid host that is "unified/…" (or, when inode numbers collide, a
    /// v1 directory), and a bare id when it finds none (a cgroup that is gone).
    public func namingCgroups(_ rename: (String) -> String?) -> EnforcementStatus {
        var merged: [String: App] = [:]
        for app in apps {
            var named = app
            if let name = rename(app.cgroup) { named.cgroup = name }
            guard var existing = merged[named.cgroup] else {
                merged[named.cgroup] = named
                continue
            }
            existing.governed = existing.governed || named.governed
            existing.pins4 += named.pins4
            existing.pins6 += named.pins6
            existing.blocked += named.blocked
            existing.interfaces = Array(Set(existing.interfaces + named.interfaces)).sorted()
            existing.owns = Array(Set(existing.owns + named.owns)).sorted()
            existing.staticRanges += named.staticRanges
            merged[named.cgroup] = existing
        }
        var status = self
        status.apps = merged.values.sorted { $0.cgroup < $1.cgroup }
        return status
    }
}
