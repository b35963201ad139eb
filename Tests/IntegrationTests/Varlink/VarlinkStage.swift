import Foundation
import Glibc
import QueryLog
import Testing
import TestSupport

/// The real pinholed serving io.systemd.Resolve in a namespace sandbox
/// whose mount namespace has a private /etc/nsswitch.conf (`hosts: resolve
/// [!UNAVAIL=return]`) and a private tmpfs where /run/systemd/resolve lives,
/// so glibc's own getaddrinfo() in programs in the sandbox goes through
/// nss-resolve to pinholed's varlink socket. The host's /etc and /run are
/// never touched.
final class VarlinkStage {
    /// Where scripts/install-deps.sh unpacks libnss-resolve's module (the
    /// package is not installed: it would bring systemd-resolved along).
    static let unpackedModuleDirectory = "/opt/pinhole-test/lib"
    static let socketPath = "/run/systemd/resolve/io.systemd.Resolve"

    /// The directory to put on LD_LIBRARY_PATH for libnss_resolve.so.2
    /// ("" when glibc finds it itself), or nil when it is nowhere.
    static var moduleDirectory: String? {
        for directory in ["/lib/x86_64-linux-gnu", "/usr/lib/x86_64-linux-gnu", "/lib64", "/usr/lib64", "/lib/aarch64-linux-gnu", "/usr/lib/aarch64-linux-gnu"]
        where FileManager.default.fileExists(atPath: directory + "/libnss_resolve.so.2") {
            return ""
        }
        return FileManager.default.fileExists(atPath: unpackedModuleDirectory + "/libnss_resolve.so.2") ? unpackedModuleDirectory : nil
    }

    /// For `.enabled(if:)`: the sandbox can run and nss-resolve is there (or CI demands the test).
    static var shouldRun: Bool { (NamespaceSandbox.shouldRun && moduleDirectory != nil) || TestEnvironment.requireE2E }

    let folder: URL
    let sandbox: NamespaceSandbox
    let daemon: DaemonProcess
    let environment: [String: String]

    /// Whether this kernel gives SO_PEERPIDFD (6.5+): asked on a socketpair.
    static var kernelHasPeerPidfd: Bool {
        var pair: [Int32] = [-1, -1]
        guard socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0 else { return false }
        defer { close(pair[0]); close(pair[1]) }
        var pidfd: Int32 = -1
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(pair[0], SOL_SOCKET, 77, &pidfd, &size) == 0 else { return false }
        close(pidfd)
        return true
    }

    /// "The internet" behind a veth (enforcement tests), when asked for.
    private(set) var internet: SandboxInternet?

    /// - Parameter extraConfig: more TOML for pinholed (e.g. `[enforcement]`).
    /// - Parameter internet: whether to build `SandboxInternet` (listeners on 192.0.2.1/.2, 2001:db8::1/::2).
    init(profiles: [String: String], extraConfig: String = "", internet: Bool = false) throws {
        guard let module = Self.moduleDirectory else {
            throw TestFailure("libnss_resolve.so.2 is neither installed nor in \(Self.unpackedModuleDirectory): run scripts/install-deps.sh")
        }
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-varlink-\(UUID().uuidString)")
        let profilesDirectory = folder.appendingPathComponent("apps.d")
        let lists = folder.appendingPathComponent("lists")
        for directory in [profilesDirectory, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        for (name, text) in profiles {
            try text.write(to: profilesDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        let nsswitch = folder.appendingPathComponent("nsswitch.conf")
        try "passwd: files\ngroup: files\nhosts: resolve [!UNAVAIL=return]\n".write(to: nsswitch, atomically: true, encoding: .utf8)
        var environment = ProcessInfo.processInfo.environment
        if !module.isEmpty { environment["LD_LIBRARY_PATH"] = module }
        // nss-resolve's own debug output, on stderr, for failure messages.
        environment["SYSTEMD_LOG_LEVEL"] = "debug"
        self.environment = environment

        sandbox = try NamespaceSandbox()
        // Inside the sandbox's mount namespace only: the private nsswitch.conf,
        // and a tmpfs over the deepest existing directory of /run/systemd/resolve.
        let covered = ["/run/systemd/resolve", "/run/systemd", "/run"].first { FileManager.default.fileExists(atPath: $0) } ?? "/run"
        let setup = try sandbox.run("sh", ["-c", """
            mount --bind '\(nsswitch.path)' /etc/nsswitch.conf && mount -t tmpfs -o mode=0755 tmpfs '\(covered)' \
            && mkdir -p /run/systemd/resolve
            """])
        guard setup.status == 0 else { throw TestFailure("sandbox mounts failed: \(setup.stderr)") }
        _ = try sandbox.startResponder()
        if internet { self.internet = try SandboxInternet(in: sandbox) }
        daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: """
                [policy]
                profiles_dir = "\(profilesDirectory.path)"
                lists_dir = "\(lists.path)"
                [querylog]
                batch_interval = "100ms"
                [varlink]
                enabled = true
                \(extraConfig)
                """)
        guard daemon.log.contains("varlink io.systemd.Resolve listening") else {
            throw TestFailure("pinholed does not serve varlink:\n\(daemon.log.suffix(2000))")
        }
    }

    /// How many descriptors pinholed has open.
    var daemonDescriptors: Int { daemonDescriptorTargets.count }

    /// What pinholed's descriptors point at ("socket:[123]", "anon_inode:[pidfd]", …).
    var daemonDescriptorTargets: [String] {
        let directory = "/proc/\(daemon.process.processIdentifier)/fd"
        let names = (try? FileManager.default.contentsOfDirectory(atPath: directory)) ?? []
        return names.compactMap { try? FileManager.default.destinationOfSymbolicLink(atPath: directory + "/" + $0) }.sorted()
    }

    deinit {
        daemon.stop()
        sandbox.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Runs `executable` with `arguments` in `cgroup` inside the sandbox
    /// (with nss-resolve loadable) until it exits.
    func run(_ cgroup: String, _ executable: String, _ arguments: [String], seconds: Double = 20) throws -> (pid: Int32, status: Int32, stdout: String, stderr: String) {
        let process = try sandbox.spawn(cgroup: cgroup, executable: executable, arguments: arguments, environment: environment)
        guard let status = process.waitForExit(seconds: seconds) else {
            process.kill()
            throw TestFailure("\(executable) \(arguments) did not finish in \(seconds) s; pinholed:\n\(daemon.log.suffix(2000))")
        }
        return (process.pid, status, process.stdout, process.stderr)
    }

    /// getaddrinfo(name) by python3 in `cgroup`: the addresses, or the error
    /// ("EAI_NONAME", "EAI_AGAIN", …).
    func getaddrinfo(_ cgroup: String, _ name: String) throws -> (pid: Int32, addresses: [String], error: String?) {
        let script = """
            import socket, sys
            names = {v: k for k, v in vars(socket).items() if k.startswith("EAI_")}
            try:
                infos = socket.getaddrinfo(sys.argv[1], None, type=socket.SOCK_STREAM)
            except socket.gaierror as e:
                print("error", names.get(e.errno, e.errno))
                sys.exit(0)
            for info in infos:
                print(info[4][0])
            """
        let result = try run(cgroup, "/usr/bin/python3", ["-c", script, name])
        #expect(result.status == 0, "python3: \(result.stderr)")
        let lines = result.stdout.split(separator: "\n").map(String.init)
        if let first = lines.first, first.hasPrefix("error ") { return (result.pid, [], String(first.dropFirst(6))) }
        return (result.pid, lines, nil)
    }

    /// The query log's rows once `count` are there (or after 10 s).
    func rows(atLeast count: Int) throws -> [LoggedQuery] {
        QueryLogRows.wait(path: daemon.queryLogPath, atLeast: count)
    }
}
