import Foundation

/// The test process's own cgroup v2 directory, found the way DESIGN.md
/// says: the cgroup2 mount from /proc/self/mountinfo plus the `0::` path
/// of /proc/self/cgroup. Its inode is the cgroup id sock_diag reports.
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
        let mountinfo = try String(contentsOfFile: "/proc/self/mountinfo", encoding: .utf8)
        // Fields: id parent major:minor root mountpoint options [optional…] - fstype source superoptions
        let mount = mountinfo.split(separator: "\n").lazy.compactMap { line -> String? in
            let parts = line.split(separator: " ")
            guard let dash = parts.firstIndex(of: "-"), dash + 1 < parts.count, parts[dash + 1] == "cgroup2" else { return nil }
            return String(parts[4])
        }.first
        guard let mount else { throw Missing(description: "no cgroup2 mount in /proc/self/mountinfo") }
        let cgroups = try String(contentsOfFile: "/proc/self/cgroup", encoding: .utf8)
        guard let line = cgroups.split(separator: "\n").first(where: { $0.hasPrefix("0::") }) else {
            throw Missing(description: "no 0:: line in /proc/self/cgroup")
        }
        let path = String(line.dropFirst(3))
        return path == "/" ? mount : mount + path
    }
}
