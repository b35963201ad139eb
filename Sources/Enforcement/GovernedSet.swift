import Foundation

/// The `governed` set of `inet pinhole` and what pinholed knows of it: the
/// app cgroups (paths relative to the cgroup2 root, no leading slash) whose
/// sockets are enforced.
///
/// Elements go over netlink by numeric cgroup id (`NetlinkSetWriter`), so
/// no cgroup path is resolved by nft (hybrid hosts need no special view).
/// Each governed path's id is remembered: `ungovern` and `dropGone` delete
/// by it, which works for a cgroup that is gone too. The kernel clones the
/// set's `counter` onto each element added, so every element counts its
/// cgroup's rejects (`EnforcementStatus`). Calls are serialized by a lock.
public final class GovernedSet: @unchecked Sendable {
    /// Path → cgroup id.
    public let ids: CgroupIds
    private let writer: NetlinkSetWriter
    private let lock = NSLock()
    private var members: [String: UInt64] = [:]

    /// Opens a netlink socket in the calling thread's network namespace.
    /// - Parameter ids: path → id; nil: the cgroup2 mount of the calling thread.
    public init(ids: CgroupIds? = nil) throws(NetlinkError) {
        if let ids { self.ids = ids } else { self.ids = try CgroupIds() }
        self.writer = try NetlinkSetWriter()
    }

    /// Governs `cgroupPath`; returns false, with no kernel call, when it already is.
    @discardableResult
    public func govern(_ cgroupPath: String) throws(NetlinkError) -> Bool {
        let path = Self.relative(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        guard members[path] == nil else { return false }
        let id = try ids.id(of: path)
        try writer.add([SetElement(cgroup: id)])
        members[path] = id
        return true
    }

    /// Stops governing `cgroupPath` (present or gone); returns false when it
    /// was not governed.
    @discardableResult
    public func ungovern(_ cgroupPath: String) throws(NetlinkError) -> Bool {
        let path = Self.relative(cgroupPath)
        lock.lock()
        defer { lock.unlock() }
        guard let id = members[path] else { return false }
        try writer.destroy([SetElement(cgroup: id)])
        members[path] = nil
        return true
    }

    /// Drops `cgroupPaths`, cgroups that are gone, from the set by their
    /// remembered ids (one batch); returns those that were governed.
    ///
    /// A path whose cgroup was re-created meanwhile (a service restarted:
    /// its removal and creation may reach the watcher in one batch, and the
    /// new cgroup's `govern` then saw the path governed already) moves to
    /// the new cgroup's id instead: governed, as the old one was, until
    /// decided otherwise. It is not among those returned.
    @discardableResult
    public func dropGone(_ cgroupPaths: [String]) throws(NetlinkError) -> [String] {
        lock.lock()
        defer { lock.unlock() }
        let paths = cgroupPaths.map(Self.relative).filter { members[$0] != nil }
        guard !paths.isEmpty else { return [] }
        var dropped: [String] = []
        var recreated: [String: UInt64] = [:]
        for path in paths {
            if let now = try? ids.currentID(of: path), now != members[path] { recreated[path] = now } else { dropped.append(path) }
        }
        try writer.destroy(paths.compactMap { members[$0] }.map { SetElement(cgroup: $0) })
        for path in paths { members[path] = nil }
        if !recreated.isEmpty {
            try writer.add(recreated.values.map { SetElement(cgroup: $0) })
            members.merge(recreated) { $1 }
        }
        return dropped
    }

    /// Takes over the set as the kernel holds it (a restart after a crash,
    /// or after a stop with `fail_closed`): ids whose cgroup still exists
    /// stay governed and are remembered by path (one walk of the cgroup2
    /// tree); elements of cgroups that are gone are deleted by id. Returns
    /// how many of each.
    @discardableResult
    public func adopt() throws(NetlinkError) -> (kept: Int, dropped: Int) {
        lock.lock()
        defer { lock.unlock() }
        let listed = try writer.cgroupIDs(set: SetElement.Kind.governed.rawValue)
        guard !listed.isEmpty else { return (0, 0) }
        let paths = Self.cgroupPaths(under: ids.mountPoint, wanted: listed)
        let gone = listed.filter { paths[$0] == nil }
        if !gone.isEmpty { try writer.destroy(gone.map { SetElement(cgroup: $0) }) }
        for (id, path) in paths { members[path] = id }
        return (paths.count, gone.count)
    }

    /// Whether `cgroupPath` is governed (as far as this instance knows).
    public func contains(_ cgroupPath: String) -> Bool {
        lock.lock()
        defer { lock.unlock() }
        return members[Self.relative(cgroupPath)] != nil
    }

    /// Every governed cgroup, sorted.
    public var paths: [String] {
        lock.lock()
        defer { lock.unlock() }
        return members.keys.sorted()
    }

    /// "/a/b/" → "a/b".
    static func relative(_ cgroupPath: String) -> String {
        cgroupPath.split(separator: "/").joined(separator: "/")
    }

    /// The paths (relative to `root`) of the cgroups under `root` whose ids
    /// are in `wanted`: a walk of the tree that stops once all are found.
    static func cgroupPaths(under root: String, wanted: Set<UInt64>) -> [UInt64: String] {
        var found: [UInt64: String] = [:]
        var pending = [""]
        while let relative = pending.popLast(), found.count < wanted.count {
            guard let directory = opendir(relative.isEmpty ? root : root + "/" + relative) else { continue }
            defer { closedir(directory) }
            while let entry = readdir(directory) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
                guard name != ".", name != ".." else { continue }
                let child = relative.isEmpty ? name : relative + "/" + name
                // d_ino is the directory's inode: the cgroup id.
                if wanted.contains(UInt64(entry.pointee.d_ino)) { found[UInt64(entry.pointee.d_ino)] = child }
                pending.append(child)
            }
        }
        return found
    }
}
