import Foundation
import TestSupport

/// The test process's own cgroup v2 directory, found the way DESIGN.md
/// says (see `CgroupV2`). Its inode is the cgroup id sock_diag reports.
enum OwnCgroup {
    struct Missing: Error, CustomStringConvertible {
        var description: String
    }

    /// The inode of the cgroup v2 directory this process is in.
    static func id() throws -> UInt64 {
        let path = try directory()
        let attributes = try FileManager.default.attributesOfItem(atPath: path)
        guard let inode = attributes[.systemFileNumber] as? NSNumber else {
            throw Missing(description: "no inode number for \(path)")
        }
        return inode.uint64Value
    }

    /// "/sys/fs/cgroup/unified/…" (the mount point, then the `0::` path).
    static func directory() throws -> String {
        guard let mount = CgroupV2.mountPoint() else { throw Missing(description: "no cgroup2 mount in /proc/self/mountinfo") }
        guard let path = CgroupV2.path() else { throw Missing(description: "no 0:: line in /proc/self/cgroup") }
        return path == "/" ? mount : mount + path
    }

    /// The `0::` path ("/" at the root).
    static func path() throws -> String {
        guard let path = CgroupV2.path() else { throw Missing(description: "no 0:: line in /proc/self/cgroup") }
        return path
    }
}
