extension EnforcementStatus {
    /// The same status with cgroups that nft listed as bare numeric ids
    /// (it names cgroups by path only when the cgroup2 root is mounted at
    /// /sys/fs/cgroup, not on hybrid hosts, and never for a cgroup that is
    /// gone) named by `names` (id → path relative to the cgroup2 root); ids
    /// not in `names` stay as they are.
    public func namingCgroups(_ names: [UInt64: String]) -> EnforcementStatus {
        var merged: [String: App] = [:]
        for app in apps {
            var named = app
            if let id = UInt64(app.cgroup), let path = names[id] { named.cgroup = path }
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
