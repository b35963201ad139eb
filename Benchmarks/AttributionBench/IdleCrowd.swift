import BenchSupport
import Glibc

/// `count` idle processes in the bench's cgroup, each with a few open
/// files: `sh` opens them and execs `cat`, which blocks on a stdin pipe
/// shared by all of them (EOF, when the bench dies, ends them all).
final class IdleCrowd {
    private(set) var processes: [SpawnedProcess] = []
    private let input: (read: Int32, write: Int32)
    /// Seconds it took to start them all and see every one in `cat`.
    private(set) var startSeconds = 0.0

    static let command = "exec 3</etc/hostname 4</etc/passwd 5</dev/null 6</proc/self/stat; exec cat"

    init(count: Int) throws {
        try Self.checkRoom(for: count)
        input = try SpawnedProcess.pipe("stdin of the idle processes")
        let start = BenchClock.now()
        processes.reserveCapacity(count)
        for _ in 0..<count {
            processes.append(try SpawnedProcess(["/bin/sh", "-c", Self.command], sharedInput: input.read))
        }
        try waitUntilIdle()
        startSeconds = Double(BenchClock.now() - start) / 1e9
    }

    deinit { stop() }

    /// Kills them all first (they die in parallel), then reaps each.
    func stop() {
        for process in processes { kill(process.pid, SIGKILL) }
        for process in processes { process.stop() }
        processes = []
        close(input.read)
        close(input.write)
    }

    /// Waits until every process has exec'd `cat` (so none is still
    /// starting while attribution is timed).
    private func waitUntilIdle() throws {
        let deadline = BenchClock.now() + 120 * 1_000_000_000
        var pending = processes.map(\.pid)
        var pause = timespec(tv_sec: 0, tv_nsec: 20_000_000)
        while !pending.isEmpty {
            pending.removeAll { Self.command(of: $0) == "cat" }
            guard !pending.isEmpty else { return }
            guard BenchClock.now() < deadline else { throw BenchError("\(pending.count) idle processes still not in cat after 120 s (first: pid \(pending[0]))") }
            nanosleep(&pause, nil)
        }
    }

    /// /proc/PID/comm without the newline.
    static func command(of pid: pid_t) -> String? {
        let fd = open("/proc/\(pid)/comm", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 32)
        let count = read(fd, &buffer, buffer.count)
        guard count > 0 else { return nil }
        return String(decoding: buffer[..<count].prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }

    /// Fails early when the machine cannot hold `count` more processes:
    /// pid_max, threads-max, RLIMIT_NPROC (raised to its hard limit), memory
    /// (about 0.5 MiB each, to be safe).
    static func checkRoom(for count: Int) throws {
        let running = (try? countProcesses()) ?? 0
        for (file, what) in [("/proc/sys/kernel/pid_max", "pid_max"), ("/proc/sys/kernel/threads-max", "threads-max")] {
            if let limit = readNumber(file), running + count + 1000 > limit {
                throw BenchError("\(count) idle processes + \(running) running exceed \(what) (\(limit)); lower --others")
            }
        }
        var limit = rlimit()
        getrlimit(RLIMIT_NPROC_VALUE, &limit)
        if limit.rlim_cur != rlim_t.max, limit.rlim_cur < rlim_t(running + count + 1000) {
            limit.rlim_cur = limit.rlim_max
            setrlimit(RLIMIT_NPROC_VALUE, &limit)
        }
        if let available = meminfo("MemAvailable:"), available < UInt64(count) * 512 {
            throw BenchError("\(count) idle processes need about \(count / 2) MiB; MemAvailable is \(available / 1024) MiB")
        }
    }

    private static let RLIMIT_NPROC_VALUE = __rlimit_resource_t(__RLIMIT_NPROC.rawValue)

    private static func countProcesses() throws -> Int {
        guard let stream = opendir("/proc") else { throw BenchError.errno("opendir /proc", errno) }
        defer { closedir(stream) }
        var count = 0
        while let entry = readdir(stream) {
            if let first = withUnsafeBytes(of: entry.pointee.d_name, { $0.first }), first >= 0x30, first <= 0x39 { count += 1 }
        }
        return count
    }

    private static func readNumber(_ path: String) -> Int? {
        guard let text = readText(path) else { return nil }
        return Int(text.filter { !$0.isWhitespace })
    }

    /// A /proc/meminfo field in KiB.
    private static func meminfo(_ field: String) -> UInt64? {
        guard let text = readText("/proc/meminfo") else { return nil }
        for line in text.split(separator: "\n") where line.hasPrefix(field) {
            return UInt64(line.dropFirst(field.count).split(separator: " ").first ?? "")
        }
        return nil
    }

    private static func readText(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var buffer = [UInt8](repeating: 0, count: 8192)
        let count = read(fd, &buffer, buffer.count)
        return count > 0 ? String(decoding: buffer[..<count], as: UTF8.self) : nil
    }
}
