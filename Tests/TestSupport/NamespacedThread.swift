import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A thread in a network and mount namespace of its own, for code that
/// must never touch the host: nftables above all. Namespaces belong to a
/// thread, not the process, and a netlink socket to the network namespace
/// of the thread that opened it, so everything that talks to the kernel
/// (libnftables contexts, sockets, spawned programs) must be made inside
/// `run`. The thread:
///
/// - unshares CLONE_FS | CLONE_NEWNS, then CLONE_NEWNET (empty: only lo,
///   no rules: the host's ruleset is out of reach);
/// - makes / private (recursively) and mounts cgroup2 at /sys/fs/cgroup,
///   the layout of a modern distribution (this host is hybrid);
/// - brings lo up.
///
/// Programs spawned from the thread (`shell`) inherit both namespaces.
/// The namespaces die with the thread (`stop`, or deinit).
public final class NamespacedThread: @unchecked Sendable {
    private let condition = NSCondition()
    private var jobs: [() -> Void] = []
    private var stopping = false
    private var thread: PosixThread?

    public init() throws {
        let setup = Locked<Result<Void, TestFailure>?>(nil)
        let ready = DispatchSemaphore(value: 0)
        thread = try PosixThread { [unowned(unsafe) self] in
            let outcome = Self.enterNamespaces()
            setup.withLock { $0 = outcome }
            ready.signal()
            if case .success = outcome { self.serve() }
        }
        ready.wait()
        if case .failure(let error) = setup.withLock({ $0 })! {
            thread?.join()
            throw error
        }
    }

    deinit { stop() }

    /// Runs `body` on the namespaced thread and waits for it.
    public func run<T>(_ body: () throws -> T) throws -> T {
        try withoutActuallyEscaping(body) { body in
            let box = UncheckedBox<Result<T, any Error>?>(nil)
            // Dropped before `done` so no copy of `body` outlives the call.
            let job = UncheckedBox<(() throws -> T)?>(body)
            let done = DispatchSemaphore(value: 0)
            condition.lock()
            guard !stopping else {
                condition.unlock()
                throw TestFailure("NamespacedThread stopped")
            }
            jobs.append {
                box.value = Result { try job.value!() }
                job.value = nil
                done.signal()
            }
            condition.signal()
            condition.unlock()
            done.wait()
            return try box.value!.get()
        }
    }

    /// Runs `/bin/sh -c script` in the thread's namespaces and waits:
    /// exit status and stdout + stderr together.
    public func shell(_ script: String) throws -> (status: Int32, output: String) {
        try run {
            let log = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-ns-\(getpid())-\(UUID().uuidString).log").path
            defer { unlink(log) }
            let pid = try PosixSpawn.spawn("/bin/sh", ["-c", script], stdout: log, stderr: log)
            var status: Int32 = 0
            while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
            let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
            let code = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
            return (code, output)
        }
    }

    /// Ends the thread (after the jobs already queued); its namespaces,
    /// and every rule made in them, go with it.
    public func stop() {
        condition.lock()
        stopping = true
        condition.signal()
        condition.unlock()
        thread?.join()
    }

    private func serve() {
        while true {
            condition.lock()
            while jobs.isEmpty && !stopping { condition.wait() }
            if jobs.isEmpty && stopping {
                condition.unlock()
                return
            }
            let job = jobs.removeFirst()
            condition.unlock()
            job()
        }
    }

    private typealias Unshare = @convention(c) (Int32) -> Int32
    private typealias Ioctl = @convention(c) (Int32, UInt, UnsafeMutableRawPointer) -> Int32

    /// Glibc's module leaves unshare out (_GNU_SOURCE) and cannot call the
    /// variadic ioctl; libc has both (ioctl's arguments here are an int,
    /// an unsigned long and a pointer, passed alike either way on Linux).
    private static func libc<T>(_ name: String, as type: T.Type) -> T? {
        guard let symbol = dlsym(UnsafeMutableRawPointer(bitPattern: 0), name) else { return nil }
        return unsafeBitCast(symbol, to: type)
    }

    private static func enterNamespaces() -> Result<Void, TestFailure> {
        let CLONE_FS: Int32 = 0x0000_0200
        let CLONE_NEWNS: Int32 = 0x0002_0000
        let CLONE_NEWNET: Int32 = 0x4000_0000
        guard let unshare = libc("unshare", as: Unshare.self), let ioctl = libc("ioctl", as: Ioctl.self) else {
            return .failure(TestFailure("no unshare or ioctl in libc"))
        }
        guard unshare(CLONE_FS | CLONE_NEWNS) == 0 else { return .failure(TestFailure("unshare(CLONE_FS|CLONE_NEWNS): errno \(errno)")) }
        guard unshare(CLONE_NEWNET) == 0 else { return .failure(TestFailure("unshare(CLONE_NEWNET): errno \(errno)")) }
        guard mount(nil, "/", nil, UInt(MS_REC | MS_PRIVATE), nil) == 0 else {
            return .failure(TestFailure("mount --make-rprivate /: errno \(errno)"))
        }
        guard mount("none", "/sys/fs/cgroup", "cgroup2", 0, nil) == 0 else {
            return .failure(TestFailure("mount cgroup2 on /sys/fs/cgroup: errno \(errno)"))
        }
        // lo up: SIOCGIFFLAGS, set IFF_UP, SIOCSIFFLAGS (struct ifreq: name[16], then short flags).
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue), 0)
        guard fd >= 0 else { return .failure(TestFailure("socket: errno \(errno)")) }
        defer { close(fd) }
        var request = [UInt8](repeating: 0, count: 40)
        request.replaceSubrange(0..<2, with: Array("lo".utf8))
        let SIOCGIFFLAGS: UInt = 0x8913
        let SIOCSIFFLAGS: UInt = 0x8914
        let ok = request.withUnsafeMutableBytes { raw -> Bool in
            guard ioctl(fd, SIOCGIFFLAGS, raw.baseAddress!) == 0 else { return false }
            let flags = raw.load(fromByteOffset: 16, as: Int16.self) | 1 // IFF_UP
            raw.storeBytes(of: flags, toByteOffset: 16, as: Int16.self)
            return ioctl(fd, SIOCSIFFLAGS, raw.baseAddress!) == 0
        }
        guard ok else { return .failure(TestFailure("bringing lo up: errno \(errno)")) }
        return .success(())
    }
}

/// Carries a value to another thread whose access the caller orders itself.
final class UncheckedBox<Value>: @unchecked Sendable {
    var value: Value
    init(_ value: Value) { self.value = value }
}
