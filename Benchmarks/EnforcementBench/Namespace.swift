import Glibc

/// The bench runs in a private network + mount namespace, so the table it
/// builds can never be the host's: the process re-executes itself under
/// `unshare -n -m` and, inside, mounts cgroup2 at /sys/fs/cgroup (the
/// layout nft's text syntax expects; this host may be hybrid).
enum Namespace {
    static let marker = "PINHOLE_ENFORCEMENT_BENCH_IN_NS"

    /// Re-executes under unshare unless already inside; returns only inside.
    static func enter() throws {
        if getenv(marker) != nil {
            guard mount("none", "/sys/fs/cgroup", "cgroup2", 0, nil) == 0 else {
                throw BenchFailure("mount cgroup2 on /sys/fs/cgroup in the bench's namespace: errno \(errno)")
            }
            return
        }
        guard getuid() == 0 else { throw BenchFailure("run as root: nftables and cgroups need it (make bench-enforcement uses sudo)") }
        setenv(marker, "1", 1)
        let me = CommandLine.arguments[0].hasPrefix("/") ? CommandLine.arguments[0] : realpath(CommandLine.arguments[0], nil).map { String(cString: $0) } ?? CommandLine.arguments[0]
        let arguments = ["unshare", "--net", "--mount", "--propagation", "private", "--", me] + CommandLine.arguments.dropFirst()
        var argv = arguments.map { strdup($0) } + [nil]
        execvp("unshare", &argv)
        throw BenchFailure("exec unshare: errno \(errno)")
    }
}

struct BenchFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
