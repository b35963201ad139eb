import Foundation
import Glibc
import Testing
import TestSupport

/// Every system call pinholed makes is allowed by the unit's
/// SystemCallFilter: the real pinholed runs under strace, as the unit runs it
/// (uid 65534, the unit's capabilities, enforcement on), through start,
/// another user's UDP query, a TCP query, the control socket, SIGHUP and
/// SIGTERM; the calls seen are checked against the unit's filter with its
/// groups expanded by systemd-analyze. (Only paths exercised here are seen.)
@Suite(.serialized, .enabled(if: StraceAvailability.shouldRun, "needs root, strace and systemd-analyze (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct SystemCallFilterE2ETests {
    /// The unit's SystemCallFilter= items (all lines), without a deny list.
    static func unitFilter() throws -> [String] {
        let unit = try String(contentsOf: InstallTests.sourceRoot.appendingPathComponent("deploy/pinholed.service"), encoding: .utf8)
        let items = unit.split(separator: "\n").filter { $0.hasPrefix("SystemCallFilter=") }
            .flatMap { $0.dropFirst("SystemCallFilter=".count).split(separator: " ").map(String.init) }
        #expect(!items.contains { $0.hasPrefix("~") }, "a deny list needs this test extended: \(items)")
        return items
    }

    /// System calls `items` allow, groups expanded as systemd-analyze lists them.
    static func allowed(_ items: [String]) throws -> Set<String> {
        let analyze = try CommandRunner.run(URL(fileURLWithPath: TestEnvironment.which("systemd-analyze")!), ["syscall-filter"])
        var groups: [String: [String]] = [:]
        var current: String?
        for line in analyze.output.split(separator: "\n") {
            if line.hasPrefix("@") {
                current = String(line.split(separator: " ")[0])
                groups[current!] = []
            } else if let group = current, line.hasPrefix("    "), !line.trimmingCharacters(in: .whitespaces).hasPrefix("#") {
                groups[group]!.append(line.trimmingCharacters(in: .whitespaces))
            }
        }
        func expand(_ item: String) -> Set<String> {
            guard item.hasPrefix("@") else { return [item] }
            return (groups[item] ?? []).reduce(into: Set<String>()) { $0.formUnion(expand($1)) }
        }
        let allowed = items.reduce(into: Set<String>()) { $0.formUnion(expand($1)) }
        #expect(allowed.count > 100 && allowed.contains("recvmmsg"), "systemd-analyze syscall-filter not understood:\n\(analyze.output.prefix(500))")
        return allowed
    }

    /// The system calls in strace's output (-f: "PID name(args) = …") made
    /// after pinholed was exec'ed (setpriv's own calls before that are not pinholed's).
    static func calls(inTrace trace: String) -> Set<String> {
        var names = Set<String>()
        var started = false
        for line in trace.split(separator: "\n") {
            let fields = line.split(separator: " ", maxSplits: 1, omittingEmptySubsequences: true)
            guard fields.count == 2 else { continue }
            let call = fields[1].trimmingCharacters(in: .whitespaces)
            if !started {
                started = call.hasPrefix("execve(\"") && call.contains("pinholed\"")
                continue
            }
            // "<... recvmsg resumed>" lines repeat a call already counted.
            guard let open = call.firstIndex(of: "("), call.first?.isLetter == true else { continue }
            names.insert(String(call[..<open]))
        }
        return names
    }

    /// pinholed as the unit runs it (uid 65534, the unit's capabilities)
    /// under strace in `sandbox`, with `config` (TOML added to enforcement
    /// on and an empty policy); `exercise` gets the control socket path and
    /// pinholed's pid. The system calls pinholed made, start to SIGTERM.
    static func traced(
        in sandbox: NamespaceSandbox, config: String = "", exercise: (_ control: String, _ pinholed: pid_t, _ daemon: DaemonProcess) throws -> Void
    ) throws -> Set<String> {
        let strace = try #require(TestEnvironment.which("strace"), "strace not installed")
        let setpriv = try #require(TestEnvironment.which("setpriv"), "setpriv not installed (util-linux)")
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-syscalls-\(UUID().uuidString.prefix(8))")
        let writable = folder.appendingPathComponent("state")
        try FileManager.default.createDirectory(at: writable, withIntermediateDirectories: true)
        chmod(writable.path, 0o777)
        defer { try? FileManager.default.removeItem(at: folder) }
        let trace = folder.appendingPathComponent("strace.out")
        _ = try sandbox.startResponder()
        let caps = CapabilityE2ETests.unitCapabilities.map { "+" + $0.dropFirst(4).lowercased() }.joined(separator: ",")
        let control = writable.path + "/control.sock"
        let daemon = try DaemonProcess(
            address: "127.0.0.1", port: 53, upstreams: ["127.0.0.2:53"],
            configText: "[enforcement]\nenabled = true\n[policy]\nlists_dir = \"\(folder.path)\"\nprofiles_dir = \"\(folder.path)\"\n" + config,
            arguments: ["--query-log", writable.path + "/q.sqlite", "--control-socket", control],
            launcher: try sandbox.launcher(cgroup: "system.slice/pinholed.service") + [
                strace, "-f", "-qq", "-o", trace.path,
                setpriv, "--reuid", "65534", "--regid", "65534", "--clear-groups", "--inh-caps", caps, "--ambient-caps", caps,
            ])
        defer { daemon.stop() }
        // strace's child: pinholed (setpriv execs it).
        let tracer = daemon.process.processIdentifier
        let children = try String(contentsOfFile: "/proc/\(tracer)/task/\(tracer)/children", encoding: .utf8)
        let pinholed = try #require(children.split(separator: " ").first.flatMap { pid_t($0) }, "no child of strace")

        try exercise(control, pinholed, daemon)
        kill(pinholed, SIGTERM)
        #expect(daemon.waitForExit(seconds: 20) != nil, "strace/pinholed did not exit")
        #expect(daemon.log.contains("pinholed stopped"), "\(daemon.log.suffix(2000))")
        let used = Self.calls(inTrace: try String(contentsOf: trace, encoding: .utf8))
        #expect(used.count > 30 && (used.contains("epoll_wait") || used.contains("epoll_pwait")), "strace saw too little: \(used.sorted())")
        return used
    }

    @Test("pinholed's system calls, start to stop, are all in the unit's SystemCallFilter")
    func everyCallIsAllowed() throws {
        if let reason = NamespaceSandbox.unavailableReason { throw TestFailure(reason) }
        let allowed = try Self.allowed(try Self.unitFilter())
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let used = try Self.traced(in: sandbox) { control, pinholed, daemon in
            let udp = try sandbox.run(
                "setpriv", ["--reuid", "1000", "--regid", "1000", "--clear-groups", "dig", "@127.0.0.1", "+short", "+tries=1", "+time=5", "udp.example"],
                cgroup: "app-a.scope")
            #expect(udp.stdout.contains("192.0.2.1"), "\(udp.stdout)\(udp.stderr)")
            let tcp = try sandbox.run("dig", ["@127.0.0.1", "+tcp", "+short", "+tries=1", "+time=5", "tcp.example"], cgroup: "app-b.scope")
            #expect(tcp.stdout.contains("192.0.2.1"), "\(tcp.stdout)\(tcp.stderr)")
            let status = try CommandRunner.run(try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN"), ["status", "--socket", control, "--config", "/dev/null"])
            #expect(status.output.contains("pinholed"), "\(status.output)")
            kill(pinholed, SIGHUP)
            #expect(QueryLogLines.waitForText(in: daemon, "policy reloaded"), "\(daemon.log.suffix(2000))")
        }
        let denied = used.subtracting(allowed)
        #expect(denied.isEmpty, "pinholed calls \(denied.sorted()), which the unit's SystemCallFilter would deny (EPERM)")
    }

    /// Replace mode: pinholed serves io.systemd.Resolve at systemd's path
    /// (a private tmpfs in the sandbox's mount namespace, owned by pinholed's
    /// uid as the drop-in's RuntimeDirectory= makes it) and getent resolves
    /// through glibc's nss-resolve (a private nsswitch.conf), with attribution
    /// of the varlink peer (SO_PEERCRED, SO_PEERPIDFD, /proc) on the way.
    @Test("pinholed serving varlink to getent through nss-resolve stays inside the unit's SystemCallFilter",
        .enabled(if: VarlinkStage.shouldRun, "needs libnss_resolve.so.2 (scripts/install-deps.sh)"))
    func varlinkCallsAreAllowed() throws {
        if let reason = NamespaceSandbox.unavailableReason { throw TestFailure(reason) }
        let module = try #require(VarlinkStage.moduleDirectory, "libnss_resolve.so.2 is neither installed nor unpacked: run scripts/install-deps.sh")
        let allowed = try Self.allowed(try Self.unitFilter())
        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        let nsswitch = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-syscalls-nsswitch-\(UUID().uuidString.prefix(8))")
        try "passwd: files\ngroup: files\nhosts: resolve [!UNAVAIL=return]\n".write(to: nsswitch, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: nsswitch) }
        let covered = ["/run/systemd/resolve", "/run/systemd", "/run"].first { FileManager.default.fileExists(atPath: $0) } ?? "/run"
        let setup = try sandbox.run("sh", ["-c", """
            mount --bind '\(nsswitch.path)' /etc/nsswitch.conf && mount -t tmpfs -o mode=0755 tmpfs '\(covered)' \
            && mkdir -p /run/systemd/resolve && chown 65534:65534 /run/systemd/resolve
            """])
        #expect(setup.status == 0, "sandbox mounts failed: \(setup.stderr)")
        var environment = ProcessInfo.processInfo.environment
        if !module.isEmpty { environment["LD_LIBRARY_PATH"] = module }
        let used = try Self.traced(in: sandbox, config: "[varlink]\nenabled = true\n") { control, pinholed, daemon in
            #expect(daemon.log.contains("varlink io.systemd.Resolve listening"), "\(daemon.log.suffix(2000))")
            for name in ["varlink.example", "localhost"] {
                let getent = try sandbox.spawn(cgroup: "app-getent.scope", executable: "getent", arguments: ["ahosts", name], environment: environment)
                #expect(getent.waitForExit(seconds: 15) == 0, "getent ahosts \(name): \(getent.stdout) \(getent.stderr)\n\(daemon.log.suffix(2000))")
                if name != "localhost" { #expect(getent.stdout.contains("192.0.2.1"), "\(getent.stdout) \(getent.stderr)") }
            }
            // Status names the socket (the control socket path, and the varlink stat).
            let status = try sandbox.run(try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path, ["status", "--socket", control, "--config", "/dev/null"])
            #expect(status.stdout.contains("varlink /run/systemd/resolve/io.systemd.Resolve"), "\(status.stdout)\(status.stderr)")
            #expect(QueryLogLines.waitForText(in: daemon, "varlink.example"), "\(daemon.log.suffix(2000))")
        }
        #expect(used.contains("accept4") || used.contains("accept"), "no varlink connection was accepted: \(used.sorted())")
        let denied = used.subtracting(allowed)
        #expect(denied.isEmpty, "pinholed serving varlink calls \(denied.sorted()), which the unit's SystemCallFilter would deny (EPERM)")
    }
}

/// Whether the system-call test can run here (or must, under PINHOLE_REQUIRE_E2E).
enum StraceAvailability {
    static var shouldRun: Bool {
        (NamespaceSandbox.unavailableReason == nil && TestEnvironment.which("strace") != nil
            && TestEnvironment.which("systemd-analyze") != nil) || TestEnvironment.requireE2E
    }
}
