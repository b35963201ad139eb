import Attribution
import Glibc

/// A child cgroup of the bench's own cgroup under the host's cgroup2 mount,
/// made for one round and removed after it (also by `Cleanup` on a signal).
final class TemporaryCgroup {
    /// Absolute directory ("/sys/fs/cgroup/unified/pinhole-bench-123-7").
    let directory: String
    /// The cgroup id (its directory's inode), what sock_diag reports.
    let id: UInt64
    private var removed = false

    init(name: String, in parent: String) throws {
        directory = "\(parent)/\(name)"
        guard mkdir(directory, 0o755) == 0 else { throw BenchError.errno("mkdir \(directory)", errno) }
        Cleanup.rememberCgroup(directory)
        do {
            id = try CgroupTree.id(ofDirectory: directory)
        } catch {
            rmdir(directory)
            Cleanup.forgetCgroup()
            throw BenchError("cgroup id of \(directory): \(error)")
        }
    }

    deinit { remove() }

    /// Removes the directory; its processes must have been reaped.
    func remove() {
        guard !removed else { return }
        removed = true
        var pause = timespec(tv_sec: 0, tv_nsec: 1_000_000)
        for _ in 0..<2000 where rmdir(directory) != 0 && errno == EBUSY { nanosleep(&pause, nil) }
        Cleanup.forgetCgroup()
    }

    /// Removes the empty "pinhole-bench-PID-…" cgroups under `parent` left
    /// by an earlier run that was killed with SIGKILL (PID no longer alive).
    /// Returns how many it removed.
    static func removeLeftovers(in parent: String) -> Int {
        guard let stream = opendir(parent) else { return 0 }
        var stale: [String] = []
        while let entry = readdir(stream) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            let parts = name.split(separator: "-")
            guard entry.pointee.d_type == UInt8(DT_DIR), name.hasPrefix("pinhole-bench-"), parts.count > 3,
                  let pid = pid_t(parts[2]), kill(pid, 0) != 0, errno == ESRCH
            else { continue }
            stale.append("\(parent)/\(name)")
        }
        closedir(stream)
        // rmdir only removes an empty cgroup: one still in use stays.
        return stale.filter { rmdir($0) == 0 }.count
    }

    /// The directory of this process's own cgroup v2 under `mountPoint`.
    static func ownCgroupDirectory(mountPoint: String) throws -> String {
        let fd = open("/proc/self/cgroup", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { throw BenchError.errno("open /proc/self/cgroup", errno) }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { throw BenchError.errno("read /proc/self/cgroup", errno) }
        for line in buffer[..<count].split(separator: UInt8(ascii: "\n")) where line.starts(with: "0::".utf8) {
            let path = String(decoding: line.dropFirst(3), as: UTF8.self)
            return path == "/" ? mountPoint : mountPoint + path
        }
        throw BenchError("/proc/self/cgroup has no cgroup v2 (0::) line")
    }
}
