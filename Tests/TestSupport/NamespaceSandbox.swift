import Foundation

/// A private network + mount + cgroup namespace with cgroup2 mounted at
/// /sys/fs/cgroup (or as on a hybrid host: `NamespaceSandboxLayout`), for
/// end-to-end tests that must not touch the host.
///
/// On the host it is one cgroup, `pinhole-test-<uuid>`, under this test
/// process's own v2 cgroup; inside, that cgroup is the root `/`. A holder
/// process (`sleep`) keeps the namespaces alive; programs join them with
/// nsenter after writing their own pid into a cgroup of the sandbox, so a
/// program in `app-a.scope` reads `0::/app-a.scope` from /proc/self/cgroup
/// and sees only `lo` (up). There is no pid namespace: pids are the host's.
///
/// Always `shutdown()` (or let `deinit` do it): it kills every process in
/// the sandbox's cgroups by pid and removes the cgroups.
public final class NamespaceSandbox: @unchecked Sendable {
    /// The sandbox's cgroup name on the host, `pinhole-test-<uuid>`.
    public let name: String
    /// The sandbox's root cgroup as a host directory
    /// (e.g. /sys/fs/cgroup/unified/pinhole-test-<uuid>).
    public let hostPath: String
    /// How cgroups are mounted inside.
    public let layout: NamespaceSandboxLayout
    /// The pid of the holder process whose namespaces programs join.
    public let holderPID: pid_t
    private let holder: SandboxProcess
    /// Output files of the holder and spawned programs; removed in deinit.
    private let directory: URL
    private let state = Locked<(spawned: [SandboxProcess], isShutDown: Bool)>(([], false))

    /// Why a sandbox cannot be made here (not root, unshare/nsenter/ip
    /// missing, no cgroup2 mount), or nil when it can.
    public static var unavailableReason: String? {
        if geteuid() != 0 { return "the namespace sandbox needs root (unshare -n -m -C, cgroup writes)" }
        for tool in ["unshare", "nsenter", "ip", "sh"] where TestEnvironment.which(tool) == nil {
            return "the namespace sandbox needs \(tool) on PATH (apt-get install util-linux iproute2)"
        }
        if CgroupV2.mountPoint() == nil { return "the namespace sandbox needs a cgroup2 mount (none in /proc/self/mountinfo)" }
        if CgroupV2.path() == nil { return "the namespace sandbox needs this process's v2 cgroup (no 0:: line in /proc/self/cgroup)" }
        return nil
    }

    /// For `@Suite(.enabled(if: NamespaceSandbox.shouldRun, ...))`: true when a
    /// sandbox can be made, or when PINHOLE_REQUIRE_E2E=1 demands the test run
    /// anyway (then `init` throws `unavailableReason` and the test fails).
    public static var shouldRun: Bool { unavailableReason == nil || TestEnvironment.requireE2E }

    /// Creates the cgroup, starts the holder and waits until its namespaces
    /// are ready (cgroup2 mounted as `layout` says, lo up).
    public init(layout: NamespaceSandboxLayout = .unified) throws {
        if let reason = Self.unavailableReason { throw TestFailure(reason) }
        let mount = CgroupV2.mountPoint()!
        let own = CgroupV2.path()!
        self.layout = layout
        name = "pinhole-test-\(UUID().uuidString.lowercased())"
        hostPath = (mount + (own == "/" ? "" : own)) + "/" + name
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        guard mkdir(hostPath, 0o755) == 0 else {
            let code = errno
            try? FileManager.default.removeItem(at: directory)
            throw TestFailure("mkdir \(hostPath): \(String(cString: strerror(code)))")
        }
        let holderOut = directory.appendingPathComponent("holder.out")
        let holderErr = directory.appendingPathComponent("holder.err")
        let inner = layout.mountScript + " && ip link set lo up && echo ready && exec sleep 1000000"
        // The pid joins the sandbox cgroup before unshare -C, so that cgroup
        // becomes the namespace's root; unshare and sh exec, keeping the pid.
        let arguments = [
            "-c", "echo $$ > \"$0\" && exec unshare -n -m -C --propagation private -- sh -c \"$1\"",
            hostPath + "/cgroup.procs", inner,
        ]
        let pid: pid_t
        do {
            pid = try PosixSpawn.spawn(TestEnvironment.which("sh")!, arguments, stdout: holderOut.path, stderr: holderErr.path)
        } catch {
            Self.removeCgroups(under: hostPath)
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
        holderPID = pid
        holder = SandboxProcess(pid: pid, cgroup: "", stdoutFile: holderOut, stderrFile: holderErr)
        let deadline = Date().addingTimeInterval(10)
        while !holder.stdout.contains("ready") {
            if !holder.isRunning || Date() > deadline {
                let log = holder.stderr
                shutdown()
                throw TestFailure("the sandbox holder did not become ready (\(holder.isRunning ? "10 s passed" : "it exited")): \(log)")
            }
            usleep(5_000)
        }
    }

    deinit {
        shutdown()
        try? FileManager.default.removeItem(at: directory)
    }

    /// The host directory of `cgroup` ("app-a.scope", "system.slice/x.service";
    /// "" or "/" is the sandbox root).
    public func hostPath(ofCgroup cgroup: String) -> String {
        let relative = cgroup.split(separator: "/").joined(separator: "/")
        return relative.isEmpty ? hostPath : hostPath + "/" + relative
    }

    /// Creates `cgroup` and its missing parents (like `mkdir -p`); returns its host directory.
    @discardableResult
    public func makeCgroup(_ cgroup: String) throws -> String {
        let path = hostPath(ofCgroup: cgroup)
        var current = hostPath
        for component in cgroup.split(separator: "/") {
            current += "/" + component
            if mkdir(current, 0o755) != 0 && errno != EEXIST {
                throw TestFailure("mkdir \(current): \(String(cString: strerror(errno)))")
            }
        }
        return path
    }

    /// The cgroup id of `cgroup` (the inode number of its directory), as
    /// sock_diag reports it and nft sets store it.
    public func cgroupID(_ cgroup: String) throws -> UInt64 {
        var info = stat()
        let path = hostPath(ofCgroup: cgroup)
        guard stat(path, &info) == 0 else { throw TestFailure("stat \(path): \(String(cString: strerror(errno)))") }
        return UInt64(info.st_ino)
    }

    /// The command prefix that runs a program in `cgroup` (created if
    /// missing) inside the sandbox's namespaces: append the executable and
    /// its arguments. The program keeps the launcher's pid (sh and nsenter
    /// exec), so `Process.processIdentifier` is the program's own pid.
    public func launcher(cgroup: String) throws -> [String] {
        try makeCgroup(cgroup)
        return [
            TestEnvironment.which("sh")!, "-c",
            "echo $$ > \"$0\" || exit 125; exec nsenter --target \(holderPID) --net --mount --cgroup -- \"$@\"",
            hostPath(ofCgroup: cgroup) + "/cgroup.procs",
        ]
    }

    /// Starts `executable` (a path, or a name looked up on PATH) with
    /// `arguments` in `cgroup` (created if missing) inside the sandbox, and
    /// returns once it runs the program itself (or has already exited).
    /// Its stdout and stderr are captured (see `SandboxProcess`).
    public func spawn(
        cgroup: String, executable: String, arguments: [String] = [], environment: [String: String]? = nil
    ) throws -> SandboxProcess {
        guard let resolved = TestEnvironment.which(executable) else { throw TestFailure("\(executable): not found on PATH") }
        let prefix = try launcher(cgroup: cgroup)
        let serial = state.withLock { $0.spawned.count }
        let base = directory.appendingPathComponent("\(serial)-\(URL(fileURLWithPath: resolved).lastPathComponent)")
        let stdoutFile = base.appendingPathExtension("out")
        let stderrFile = base.appendingPathExtension("err")
        let child = try state.withLock { state in
            guard !state.isShutDown else { throw TestFailure("spawn \(executable): the sandbox \(name) is shut down") }
            let pid = try PosixSpawn.spawn(
                prefix[0], Array(prefix.dropFirst()) + [resolved] + arguments, environment: environment,
                stdout: stdoutFile.path, stderr: stderrFile.path)
            let child = SandboxProcess(pid: pid, cgroup: cgroup, stdoutFile: stdoutFile, stderrFile: stderrFile)
            state.spawned.append(child)
            return child
        }
        try waitUntilExecuted(child, executable: resolved)
        return child
    }

    /// Runs a short command (ip, nft, sysctl, cat...) inside the sandbox in
    /// `cgroup` (the root by default) and waits up to `timeout` seconds for it.
    public func run(
        _ executable: String, _ arguments: [String] = [], cgroup: String = "", timeout: Double = 30
    ) throws -> (status: Int32, stdout: String, stderr: String) {
        let child = try spawn(cgroup: cgroup, executable: executable, arguments: arguments)
        guard let status = child.waitForExit(seconds: timeout) else {
            child.kill()
            throw TestFailure("\(executable) \(arguments.joined(separator: " ")) did not finish within \(timeout) s in the sandbox")
        }
        return (status, child.stdout, child.stderr)
    }

    /// Kills every spawned program, every other process left in the
    /// sandbox's cgroups (forked children, daemons) and the holder, each by
    /// pid; waits for them; removes the cgroups bottom-up. Idempotent.
    public func shutdown() {
        let spawned: [SandboxProcess]? = state.withLock { state in
            guard !state.isShutDown else { return nil }
            state.isShutDown = true
            return state.spawned
        }
        guard let spawned else { return }
        for child in spawned { child.signal(SIGKILL) }
        holder.signal(SIGKILL)
        // Whatever the programs forked is still in the sandbox's cgroups.
        let deadline = Date().addingTimeInterval(5)
        while Date() < deadline {
            let left = Self.cgroupDirectories(under: hostPath).flatMap(CgroupV2.processes(inDirectory:))
            if left.isEmpty { break }
            for pid in left { kill(pid, SIGKILL) }
            usleep(5_000)
        }
        for child in spawned { child.kill() }
        holder.kill()
        Self.removeCgroups(under: hostPath)
    }

    /// Waits until `child` runs the program itself (in the sandbox's netns and
    /// past nsenter; a script shows its interpreter), or has exited; throws
    /// when the launcher failed.
    private func waitUntilExecuted(_ child: SandboxProcess, executable: String) throws {
        let link = { (path: String) in try? FileManager.default.destinationOfSymbolicLink(atPath: path) }
        let nsenter = URL(fileURLWithPath: TestEnvironment.which("nsenter")!).resolvingSymlinksInPath().path
        // Past nsenter and out of the test's network namespace: in the
        // sandbox's, or one the program made itself (`unshare -n …`).
        let hostNet = link("/proc/self/ns/net")
        let deadline = Date().addingTimeInterval(10)
        while child.isRunning {
            if let exe = link("/proc/\(child.pid)/exe"), exe != nsenter, let net = link("/proc/\(child.pid)/ns/net"), net != hostNet { return }
            if Date() > deadline { throw TestFailure("pid \(child.pid) did not exec \(executable) within 10 s: \(child.stderr)") }
            usleep(1_000)
        }
        let stderr = child.stderr
        if child.terminationStatus == 125 || stderr.hasPrefix("nsenter: ") {
            throw TestFailure("launching \(executable) in \(child.cgroup) failed: \(stderr)")
        }
    }

    /// `directory` and every cgroup below it, deepest first.
    private static func cgroupDirectories(under directory: String) -> [String] {
        let children = ((try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []).compactMap { entry -> String? in
            var info = stat()
            let path = directory + "/" + entry
            return lstat(path, &info) == 0 && info.st_mode & S_IFMT == S_IFDIR ? path : nil
        }
        return children.flatMap(cgroupDirectories(under:)) + [directory]
    }

    /// rmdir each cgroup, deepest first, retrying briefly while the kernel
    /// still counts exiting processes in it.
    private static func removeCgroups(under directory: String) {
        for path in cgroupDirectories(under: directory) {
            let deadline = Date().addingTimeInterval(2)
            while rmdir(path) != 0 && errno == EBUSY && Date() < deadline { usleep(5_000) }
        }
    }
}
