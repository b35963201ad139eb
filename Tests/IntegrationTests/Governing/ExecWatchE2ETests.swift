import Foundation
import Glibc
import Testing
import TestSupport

/// Deciding by executable at exec time, end to end: the real pinholed in a
/// namespace sandbox with an enforce profile that matches a copy of the
/// python interpreter at a test path (`netcheck`). The copy, started in a
/// cgroup pinholed has already decided ("leave": only `sleep` ran there),
/// or exec'd by a process that waited in a new cgroup until the first look
/// and its quick re-checks were past, dials an IP at once, without DNS:
/// refused, because the exec itself governed the cgroup.
///
/// The process events connector lives in the initial network namespace
/// only, so pinholed is handed a connector socket made outside the sandbox
/// (`PINHOLE_PROC_CONNECTOR_FD`). Without it pinholed falls back to the
/// re-checks, and the same program connects: what makes these tests able
/// to fail.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct ExecWatchE2ETests {
    final class World {
        let folder: URL
        let sandbox: NamespaceSandbox
        let internet: SandboxInternet
        /// The copy of the interpreter the profile matches.
        let netcheck: String
        let daemon: DaemonProcess

        /// - Parameter connector: whether pinholed gets a connector socket from the initial network namespace.
        init(connector: Bool) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-execwatch-\(UUID().uuidString)")
            let profiles = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            internet = try SandboxInternet(in: sandbox)
            // The interpreter itself (python3 on PATH may be a shim), copied: only the copy is matched.
            let python = try sandbox.run("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            netcheck = folder.appendingPathComponent("netcheck").path
            try FileManager.default.copyItem(atPath: python, toPath: netcheck)
            try "mode = \"enforce\"\n[match]\nexecutable = \"\(netcheck)\"\n"
                .write(to: profiles.appendingPathComponent("netcheck.toml"), atomically: true, encoding: .utf8)
            var launcher = try sandbox.launcher(cgroup: "system.slice/pinholed.service")
            if connector {
                // Opened here, in the test's (initial) network namespace, and inherited through exec.
                let handOver = """
                    import os, socket, sys
                    s = socket.socket(socket.AF_NETLINK, socket.SOCK_DGRAM, 11)
                    os.set_inheritable(s.fileno(), True)
                    os.environ["PINHOLE_PROC_CONNECTOR_FD"] = str(s.fileno())
                    os.execv(sys.argv[1], sys.argv[1:])
                    """
                launcher = [python, "-c", handOver] + launcher
            }
            daemon = try DaemonProcess(
                address: "127.0.0.1", port: 53, upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n",
                launcher: launcher)
        }

        deinit {
            daemon.stop()
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Runs `netcheck` dialing 192.0.2.2 at once, in `cgroup`, through
        /// `prefix` (a shell line that ends in exec'ing it); its outcome.
        func dial(in cgroup: String, after prefix: String = "") throws -> SandboxInternet.ConnectOutcome {
            let script = "\(prefix) exec \"$0\" -c \"$1\" 192.0.2.2 \(internet.port)"
            let process = try sandbox.spawn(cgroup: cgroup, executable: "sh", arguments: ["-c", script, netcheck, GovernE2ETests.connectScript])
            _ = process.waitForExit()
            let word = process.stdout.split(separator: " ").first.map { String($0).trimmingCharacters(in: .whitespacesAndNewlines) }
            return word.flatMap(SandboxInternet.ConnectOutcome.init(rawValue:)) ?? .error
        }

        /// The cgroups in `set governed`.
        func governed() throws -> [String] { try sandbox.governedElements() }

        /// A cgroup whose only process, `sleep`, pinholed has decided "leave",
        /// with every re-check past (1.3 s after its first process).
        func decidedTerminal(_ cgroup: String) throws -> SandboxProcess {
            let sleeper = try sandbox.spawn(cgroup: cgroup, executable: "sleep", arguments: ["60"])
            usleep(1_600_000)
            #expect(try !governed().contains(cgroup), "sleep is not netcheck")
            return sleeper
        }
    }

    @Test func aMatchingProgramStartedInAnAlreadyDecidedCgroupIsGovernedAtItsExec() throws {
        let world = try World(connector: true)
        #expect(world.daemon.log.contains("deciding by executable at exec time"), "\(world.daemon.log.suffix(2000))")
        let sleeper = try world.decidedTerminal("term.scope")
        defer { sleeper.kill() }
        // No new cgroup, no DNS query: only the exec tells pinholed.
        #expect(try world.dial(in: "term.scope") == .refused)
        #expect(try world.governed().contains("term.scope"))
        // Another cgroup where only other programs ran is left alone.
        #expect(try world.internet.connect(from: world.sandbox, cgroup: "other.scope", to: "192.0.2.2") == .connected)
        #expect(world.daemon.stop() == 0, "\(world.daemon.log.suffix(2000))")
    }

    @Test func aChildThatExecsTheMatchingProgramAfterTheFirstLookIsGovernedAtItsExec() throws {
        let world = try World(connector: true)
        // pinholed first sees the shell (not matched: leave), re-checks at 50 and 300 ms; the exec comes at ~500 ms.
        #expect(try world.dial(in: "system.slice/worker.service", after: "sleep 0.5;") == .refused)
        #expect(try world.governed().contains("system.slice/worker.service"))
        #expect(world.daemon.stop() == 0, "\(world.daemon.log.suffix(2000))")
    }

    @Test func withoutTheConnectorBothConnectAndTheFallbackIsLogged() throws {
        let world = try World(connector: false)
        #expect(world.daemon.log.contains("process events connector unavailable"), "\(world.daemon.log.suffix(2000))")
        let sleeper = try world.decidedTerminal("term.scope")
        defer { sleeper.kill() }
        #expect(try world.dial(in: "term.scope") == .connected, "no exec watch: nothing governs the scope in time")
        #expect(try world.dial(in: "system.slice/worker.service", after: "sleep 0.5;") == .connected)
        #expect(world.daemon.stop() == 0, "\(world.daemon.log.suffix(2000))")
    }
}
