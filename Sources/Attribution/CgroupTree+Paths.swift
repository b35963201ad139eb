extension CgroupTree {
    /// id → path relative to the cgroup2 root ("system.slice/x.service") of
    /// every cgroup under the mount, the root itself left out: names for
    /// the bare ids nft lists when it cannot resolve a cgroup's path.
    public func relativePaths() -> [UInt64: String] {
        var result: [UInt64: String] = [:]
        for (id, path) in walk() where path.count > mountPoint.count && path.hasPrefix(mountPoint + "/") {
            result[id] = String(path.dropFirst(mountPoint.count + 1))
        }
        return result
    }
}
