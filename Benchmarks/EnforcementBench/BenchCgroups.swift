import Glibc

/// The bench's own cgroups, /sys/fs/cgroup/pinhole-bench-PID-N.scope
/// (empty; nothing is moved into them), removed on the way out.
final class BenchCgroups {
    let paths: [String]

    init(count: Int) throws {
        var made: [String] = []
        for index in 0..<count {
            let path = "pinhole-bench-\(getpid())-\(index).scope"
            guard mkdir("/sys/fs/cgroup/" + path, 0o755) == 0 else {
                for done in made { rmdir("/sys/fs/cgroup/" + done) }
                throw BenchFailure("mkdir /sys/fs/cgroup/\(path): errno \(errno)")
            }
            made.append(path)
        }
        paths = made
    }

    func remove() {
        for path in paths { rmdir("/sys/fs/cgroup/" + path) }
    }
}
