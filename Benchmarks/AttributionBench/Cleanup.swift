import Glibc

/// Every process the bench started and the cgroup it may have created, kept
/// where a signal handler can reach them: on Ctrl-C, SIGTERM or an error the
/// processes are killed by pid and reaped, and the cgroup is removed.
///
/// Only async-signal-safe calls (kill, waitpid, rmdir, nanosleep) run here,
/// on plain C memory allocated once, so the handler never allocates.
enum Cleanup {
    private static let pathCapacity = 4096
    nonisolated(unsafe) private static var pids = UnsafeMutablePointer<pid_t>.allocate(capacity: 1)
    nonisolated(unsafe) private static var capacity = 0
    nonisolated(unsafe) private static var used = 0
    nonisolated(unsafe) private static let cgroupPath: UnsafeMutablePointer<CChar> = {
        let path = UnsafeMutablePointer<CChar>.allocate(capacity: pathCapacity)
        path[0] = 0
        return path
    }()

    /// Room for `capacity` processes over the whole run; installs the
    /// handlers for SIGINT, SIGTERM and SIGHUP.
    static func prepare(capacity: Int) {
        pids = .allocate(capacity: capacity)
        pids.initialize(repeating: 0, count: capacity)
        self.capacity = capacity
        _ = cgroupPath
        var action = sigaction()
        action.__sigaction_handler.sa_handler = { signal in
            Cleanup.run()
            _exit(128 + signal)
        }
        sigemptyset(&action.sa_mask)
        for signal in [SIGINT, SIGTERM, SIGHUP] { sigaction(signal, &action, nil) }
        // A child that died must not kill the bench when it writes to its stdin.
        Glibc.signal(SIGPIPE, SIG_IGN)
    }

    /// Remembers `pid`; the slot to pass to `forget`.
    static func remember(_ pid: pid_t) throws -> Int {
        guard used < capacity else {
            kill(pid, SIGKILL)
            waitpid(pid, nil, 0)
            throw BenchError("more processes than the \(capacity) planned for (see Cleanup.prepare)")
        }
        pids[used] = pid
        used += 1
        return used - 1
    }

    /// The process in `slot` was reaped.
    static func forget(_ slot: Int) { pids[slot] = 0 }

    /// Remembers the cgroup directory to remove (one at a time).
    static func rememberCgroup(_ path: String) {
        let bytes = Array(path.utf8.prefix(pathCapacity - 1))
        for (index, byte) in bytes.enumerated() { cgroupPath[index] = CChar(bitPattern: byte) }
        cgroupPath[bytes.count] = 0
    }

    static func forgetCgroup() { cgroupPath[0] = 0 }

    /// Kills (SIGKILL) and reaps every remembered process, then removes the cgroup.
    static func run() {
        for index in 0..<used where pids[index] > 0 { kill(pids[index], SIGKILL) }
        for index in 0..<used where pids[index] > 0 {
            waitpid(pids[index], nil, 0)
            pids[index] = 0
        }
        guard cgroupPath[0] != 0 else { return }
        // The cgroup empties once its processes are reaped; give it a moment.
        var pause = timespec(tv_sec: 0, tv_nsec: 10_000_000)
        for _ in 0..<200 where rmdir(cgroupPath) != 0 && errno == EBUSY { nanosleep(&pause, nil) }
        cgroupPath[0] = 0
    }
}
