import Foundation
import Glibc
import Testing
import TestSupport

/// Proactive governing, end to end: the real pinholed in a namespace
/// sandbox governs a cgroup when it appears (not at its first query),
/// drops it when it goes, decides again on SIGHUP, governs unprofiled apps
/// with `enforce_unprofiled` (but `exempt` units and itself), survives a
/// kill -9 and a restart with the table in place, and `pinhole exec` runs
/// a command governed from its first packet. Connects are real TCP
/// connects to "the internet" (`SandboxInternet`) through the kernel's
/// `inet pinhole` table, whose sets are read with `nft -j`.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct GovernE2ETests {
    /// A TCP connect to argv[1]:argv[2]: prints "connected" (exit 0), "refused" (exit 1) or "error …" (exit 2).
    static let connectScript = """
        import socket, sys
        try:
            socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close(); print("connected")
        except ConnectionRefusedError: print("refused"); sys.exit(1)
        except OSError as e: print("error", e); sys.exit(2)
        """

    /// A sandbox with the responder (A 192.0.2.1 for every name), the internet and a profiles folder.
    final class World {
        let folder: URL
        let profiles: URL
        let sandbox: NamespaceSandbox
        let internet: SandboxInternet

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-gov-\(UUID().uuidString)")
            profiles = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            internet = try SandboxInternet(in: sandbox)
        }

        deinit {
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        func profile(_ name: String, _ text: String) throws {
            try text.write(to: profiles.appendingPathComponent("\(name).toml"), atomically: true, encoding: .utf8)
        }

        func startDaemon(_ enforcement: String = "") throws -> DaemonProcess {
            try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n\(enforcement)")
        }

        func connect(_ cgroup: String, _ address: String) throws -> SandboxInternet.ConnectOutcome {
            try internet.connect(from: sandbox, cgroup: cgroup, to: address)
        }

        /// The elements of `set governed` as nft lists them: cgroup paths, or bare ids of cgroups that are gone.
        func governed() throws -> [String] { try sandbox.governedElements() }

        /// Polls `governed()` until `condition` holds (5 s at most); the last listing.
        @discardableResult
        func waitForGoverned(_ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
            let deadline = Date().addingTimeInterval(5)
            var last = try governed()
            while !condition(last) {
                guard Date() < deadline else { throw TestFailure("governed set never came to: \(what); it is \(last)") }
                usleep(20_000)
                last = try governed()
            }
            return last
        }

        /// rmdir of a sandbox cgroup once its processes are gone.
        func removeCgroup(_ cgroup: String) throws {
            let path = sandbox.hostPath(ofCgroup: cgroup)
            let deadline = Date().addingTimeInterval(3)
            while rmdir(path) != 0 {
                guard errno == EBUSY, Date() < deadline else { throw TestFailure("rmdir \(path): \(String(cString: strerror(errno)))") }
                usleep(10_000)
            }
        }
    }

    @Test func aCgroupIsGovernedWhenItAppearsUngovernedWhenItGoesAndDecidedAgainOnReload() throws {
        let world = try World()
        try world.profile("shop", "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n")
        // A profile that needs the executable: decided once a process is in the cgroup.
        // The interpreter itself (python3 on PATH may be a shim script that execs it).
        let python = try world.sandbox.run("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"])
            .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        try world.profile("tool", "mode = \"enforce\"\n[match]\nunit = \"tool-*.scope\"\nexecutable = \"\(python)\"\n")
        let daemon = try world.startDaemon()
        #expect(try world.governed().isEmpty)

        // Created after the start, never asked DNS: refused by IP, and only it.
        try world.sandbox.makeCgroup("app-a.scope")
        try world.waitForGoverned("app-a.scope governed") { $0 == ["app-a.scope"] }
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .refused)
        #expect(try world.connect("app-b.scope", "192.0.2.2") == .connected)
        #expect(try world.governed() == ["app-a.scope"], "app-b.scope has no enforce profile")

        // An empty cgroup the exe profile may match waits; its first process decides it.
        try world.sandbox.makeCgroup("tool-1.scope")
        usleep(200_000)
        #expect(try !world.governed().contains("tool-1.scope"))
        let sleeper = try world.sandbox.spawn(cgroup: "tool-1.scope", executable: "python3", arguments: ["-c", "import time; time.sleep(60)"])
        try world.waitForGoverned("tool-1.scope governed by its python process") { $0.contains("tool-1.scope") }
        #expect(try world.connect("tool-1.scope", "192.0.2.2") == .refused)
        sleeper.kill()

        // Removed: the element goes (the set holds no bare id of it either).
        let toolID = try world.sandbox.cgroupID("tool-1.scope")
        try world.removeCgroup("tool-1.scope")
        try world.waitForGoverned("tool-1.scope dropped") { $0 == ["app-a.scope"] }
        #expect(try !world.governed().contains(String(toolID)))

        // app-a.scope resolves, goes, and comes back as a new cgroup (a new id to
        // the kernel): governed again, and its next answer is pinned again.
        func digAllowed() throws -> String {
            try world.sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        #expect(try digAllowed() == "192.0.2.1")
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)
        try world.removeCgroup("app-a.scope")
        try world.waitForGoverned("app-a.scope dropped") { $0.isEmpty }
        try world.sandbox.makeCgroup("app-a.scope")
        try world.waitForGoverned("the new app-a.scope governed") { $0 == ["app-a.scope"] }
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .refused, "the old cgroup's pin is not the new one's")
        #expect(try digAllowed() == "192.0.2.1")
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected, "pinned again: the pinner forgot the old cgroup")

        // The shop profile switched to learn, SIGHUP: app-a.scope is no longer governed.
        try world.profile("shop", "mode = \"learn\"\n[match]\nunit = \"app-a.scope\"\n")
        kill(daemon.process.processIdentifier, SIGHUP)
        try world.waitForGoverned("app-a.scope ungoverned after reload") { $0.isEmpty }
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .connected)
        #expect(daemon.log.contains("policy reloaded"), "\(daemon.log.suffix(2000))")
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
    }

    @Test func enforceUnprofiledGovernsEveryAppButExemptUnitsAndPinholedItself() throws {
        let world = try World()
        try world.sandbox.makeCgroup("system.slice/sshd.service")
        let daemon = try world.startDaemon("enforce_unprofiled = true\nexempt = [\"sshd.service\", \"internet.scope\"]\n")
        let governed = try world.waitForGoverned("the responder's unit governed") { $0.contains("system.slice/upstream.service") }
        #expect(!governed.contains("system.slice/pinholed.service"), "pinholed governs itself: \(governed)")
        #expect(!governed.contains("system.slice/sshd.service"), "\(governed)")
        #expect(!governed.contains("internet.scope"), "\(governed)")

        // A new unprofiled app: governed from the start, reaches what it resolves.
        try world.sandbox.makeCgroup("app-c.scope")
        try world.waitForGoverned("app-c.scope governed") { $0.contains("app-c.scope") }
        #expect(try world.connect("app-c.scope", "192.0.2.1") == .refused)
        let dig = try world.sandbox.run("dig", ["@127.0.0.1", "+short", "anything.example"], cgroup: "app-c.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        #expect(try world.connect("app-c.scope", "192.0.2.1") == .connected)
        #expect(try world.connect("app-c.scope", "192.0.2.2") == .refused)
        // The exempt unit is not.
        #expect(try world.connect("system.slice/sshd.service", "192.0.2.2") == .connected)
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
    }

    @Test func aKilledPinholedLeavesTheTableAndTheNextOneAdoptsIt() throws {
        let world = try World()
        try world.profile("shop", "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-*.scope\"\n")
        let first = try world.startDaemon()
        let dig = try world.sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        try world.sandbox.makeCgroup("app-gone.scope")
        try world.waitForGoverned("both governed") { $0 == ["app-a.scope", "app-gone.scope"] }
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)

        kill(first.process.processIdentifier, SIGKILL)
        #expect(first.waitForExit(seconds: 5) != nil)
        // Down: the table stays (fail-closed) and the pin still opens the door.
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .refused)
        let goneID = try world.sandbox.cgroupID("app-gone.scope")
        try world.removeCgroup("app-gone.scope")
        #expect(try world.governed().contains(String(goneID)), "nobody drops it while pinholed is down")

        // The next pinholed adopts: the stale element goes, the pin and the governing stay; no DNS asked again.
        let second = try world.startDaemon()
        #expect(try world.governed() == ["app-a.scope"])
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .refused)
        #expect(second.log.contains("dropped_gone=1") || second.log.contains("\"dropped_gone\": 1") || second.log.contains("dropped_gone: 1"),
                "\(second.log.suffix(1500))")
        #expect(!second.log.contains("allowed.example"), "app-a asked no DNS again")
        #expect(second.stop() == 0, "\(second.log.suffix(2000))")
    }

    @Test func aCleanRestartWithFailClosedKeepsGovernedAppsWorking() throws {
        let world = try World()
        try world.profile("shop", "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n")
        let first = try world.startDaemon("fail_closed = true\n")
        let dig = try world.sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        #expect(first.stop() == 0, "\(first.log.suffix(2000))")
        #expect(try world.governed() == ["app-a.scope"])
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .refused)

        let second = try world.startDaemon("fail_closed = true\n")
        #expect(try world.connect("app-a.scope", "192.0.2.1") == .connected)
        #expect(try world.connect("app-a.scope", "192.0.2.2") == .refused)
        #expect(try world.governed() == ["app-a.scope"])
        #expect(second.stop() == 0, "\(second.log.suffix(2000))")
    }

    @Test func pinholeExecRunsTheCommandGovernedFromItsFirstPacket() throws {
        let world = try World()
        try world.profile("shop", "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"shop.service\"\n")
        let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path
        // No pinholed to decide the scope: pinhole exec says so and runs the command anyway.
        let alone = try world.sandbox.run(pinhole, ["exec", "--app", "shop", "--wait", "0.2", "--", "sh", "-c", "echo ran"])
        #expect(alone.status == 0 && alone.stdout == "ran\n", "\(alone.stdout)\(alone.stderr)")
        #expect(alone.stderr.contains("did not decide"), "\(alone.stderr)")

        let daemon = try world.startDaemon()
        // python connects at once: no DNS, straight to an IP.
        let refused = try world.sandbox.run(
            pinhole, ["exec", "--app", "shop", "--", "python3", "-c", Self.connectScript, "192.0.2.2", "8080"])
        #expect(refused.stdout.hasPrefix("refused"), "\(refused.stdout)\(refused.stderr)")
        #expect(refused.status == 1, "the command's own exit status: \(refused.status)")
        #expect(!refused.stderr.contains("did not decide"), "\(refused.stderr)")
        // It resolves through pinholed and reaches what it resolved.
        let script = "import socket, subprocess, sys\n"
            + "a = subprocess.run(['dig', '@127.0.0.1', '+short', 'allowed.example'], capture_output=True, text=True).stdout.strip()\n"
            + "socket.create_connection((a, 8080), timeout=3).close(); print('connected', a)\n"
        let reached = try world.sandbox.run(pinhole, ["exec", "--app", "shop", "--", "python3", "-c", script])
        #expect(reached.stdout.hasPrefix("connected 192.0.2.1"), "\(reached.stdout)\(reached.stderr)")
        #expect(daemon.log.contains("pinhole.exec/pinhole-shop-"), "\(daemon.log.suffix(2000))")
        // A profile not in enforce mode: not governed, the command still runs at once.
        let open = try world.sandbox.run(
            pinhole, ["exec", "--app", "other", "--", "python3", "-c", Self.connectScript, "192.0.2.2", "8080"])
        #expect(open.stdout.hasPrefix("connected"), "\(open.stdout)\(open.stderr)")
        // The exit status passes through.
        #expect(try world.sandbox.run(pinhole, ["exec", "--app", "shop", "--", "sh", "-c", "exit 7"]).status == 7)
        // Each run cleared the empty scopes of the runs before it: only the last one's is left.
        let scopes = try FileManager.default.contentsOfDirectory(atPath: world.sandbox.hostPath(ofCgroup: "pinhole.exec"))
            .filter { $0.hasSuffix(".scope") }
        #expect(scopes.count == 1, "\(scopes)")
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
    }
}
