import Foundation
import Glibc
@testable import Attribution

/// A cgroup the test creates below its own cgroup (named after the test
/// process, so runs never collide) and removes again.
final class TestCgroup {
    let mountPoint: String
    /// Path relative to the hierarchy's root ("/pinhole-procfs-123-a.scope").
    let path: String
    var directory: String { mountPoint + path }

    init(name: String) throws {
        mountPoint = try CgroupTree.cgroup2MountPoint()
        let own = try OwnCgroup.path()
        path = (own == "/" ? "" : own) + "/pinhole-procfs-\(getpid())-\(name)"
        guard mkdir(mountPoint + path, 0o755) == 0 || errno == EEXIST else {
            throw TestError("mkdir \(mountPoint + path): errno \(errno)")
        }
    }

    /// The cgroup id (what sock_diag would report for a socket made inside).
    var id: UInt64 { get throws { try CgroupTree.id(ofDirectory: directory) } }

    /// Moves `pid` into this cgroup.
    func add(_ pid: Int32) throws {
        let text = "\(pid)\n"
        let fd = open(directory + "/cgroup.procs", O_WRONLY)
        guard fd >= 0 else { throw TestError("open \(directory)/cgroup.procs: errno \(errno)") }
        defer { close(fd) }
        guard write(fd, text, text.utf8.count) == text.utf8.count else { throw TestError("moving \(pid) to \(path): errno \(errno)") }
    }

    /// Removes the cgroup once its processes are gone.
    func remove() {
        _ = waitUntil { rmdir(directory) == 0 || errno == ENOENT }
    }

    deinit { remove() }
}
