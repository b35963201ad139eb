import Foundation
import Glibc
import Testing
import TestSupport

/// The bypass matrix of enforcement, end to end: the real pinholed in a
/// namespace sandbox, its upstream the test responder ("h<N>.example" →
/// 192.0.2.N / 2001:db8::N), real TCP connects to `SandboxInternet`, and
/// the kernel's sets read back with nft.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct EnforcementMatrixE2ETests {
    /// A sandbox with the responder, the internet and pinholed enforcing
    /// `profiles` (file name → TOML).
    struct Setup {
        let sandbox: NamespaceSandbox
        let internet: SandboxInternet
        let daemon: DaemonProcess
        let folder: URL

        init(profiles: [String: String], addresses: [String], pinFloor: String = "1h") throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-matrix-\(UUID().uuidString)")
            let directory = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            for (name, text) in profiles {
                try text.write(to: directory.appendingPathComponent(name), atomically: true, encoding: .utf8)
            }
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            internet = try SandboxInternet(in: sandbox, addresses: addresses)
            daemon = try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: """
                    [policy]
                    profiles_dir = "\(directory.path)"
                    [enforcement]
                    enabled = true
                    pin_floor = "\(pinFloor)"
                    """)
        }

        /// `dig +short` of `name` (type `type`) through pinholed from `cgroup`.
        func resolve(_ name: String, _ type: String = "A", from cgroup: String) throws -> String {
            let dig = try sandbox.run("dig", ["@127.0.0.1", "+short", "+tries=1", name, type], cgroup: cgroup)
            return dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        func connect(_ cgroup: String, _ address: String) throws -> SandboxInternet.ConnectOutcome {
            try internet.connect(from: sandbox, cgroup: cgroup, to: address)
        }

        /// The elements of `set` as nft prints them.
        func elements(_ set: String) throws -> String {
            try sandbox.run("nft", ["list", "set", "inet", "pinhole", set]).stdout
        }

        func shutdown() {
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }
    }

    static func enforce(unit: String, allow: [String]) -> String {
        "mode = \"enforce\"\nallow = [\(allow.map { "\"\($0)\"" }.joined(separator: ", "))]\n[match]\nunit = \"\(unit)\"\n"
    }

    @Test func anotherAppsPinDoesNotOpenTheDoor() throws {
        let setup = try Setup(
            profiles: [
                "shop.toml": Self.enforce(unit: "app-a.scope", allow: ["h2.example", "h3.example"]),
                "mail.toml": Self.enforce(unit: "app-b.scope", allow: ["h3.example"]),
            ],
            addresses: ["192.0.2.2", "192.0.2.3"])
        defer { setup.shutdown() }

        #expect(try setup.resolve("h2.example", from: "app-a.scope") == "192.0.2.2")
        #expect(try setup.resolve("h3.example", from: "app-b.scope") == "192.0.2.3")
        #expect(try setup.connect("app-a.scope", "192.0.2.2") == .connected)
        #expect(try setup.connect("app-b.scope", "192.0.2.3") == .connected)
        // Each app's pin is its own: neither reaches what only the other resolved,
        // though h3.example is allowed for app-a too (allowed is not resolved).
        #expect(try setup.connect("app-b.scope", "192.0.2.2") == .refused)
        #expect(try setup.connect("app-a.scope", "192.0.2.3") == .refused)
        let pins = try setup.elements("pin4")
        #expect(pins.contains("\"app-a.scope\" . 192.0.2.2") && pins.contains("\"app-b.scope\" . 192.0.2.3"), "\(pins)")
        #expect(!pins.contains("\"app-a.scope\" . 192.0.2.3") && !pins.contains("\"app-b.scope\" . 192.0.2.2"), "\(pins)")
    }

    /// Forks; the child connects to argv[1]:argv[2] and the parent prints
    /// its outcome: the pins of a unit hold for every process in it.
    static let forkedConnect = """
        import os, socket, sys
        pid = os.fork()
        if pid == 0:
            try:
                socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=3).close(); os._exit(0)
            except ConnectionRefusedError: os._exit(1)
            except OSError: os._exit(2)
        _, status = os.waitpid(pid, 0)
        print({0: "connected", 1: "refused"}.get(os.waitstatus_to_exitcode(status), "error"))
        """

    @Test func childProcessesAndSubCgroupsShareTheAppsPins() throws {
        let setup = try Setup(
            profiles: ["shop.toml": Self.enforce(unit: "app-a.scope", allow: ["h2.example"])],
            addresses: ["192.0.2.2", "192.0.2.4"])
        defer { setup.shutdown() }

        #expect(try setup.resolve("h2.example", from: "app-a.scope") == "192.0.2.2")
        // A worker in a cgroup below the unit's: the unit's pins and its governance apply.
        #expect(try setup.connect("app-a.scope/worker", "192.0.2.2") == .connected)
        #expect(try setup.connect("app-a.scope/worker", "192.0.2.4") == .refused)
        // A forked child of a process of the unit.
        for (address, expected) in [("192.0.2.2", "connected"), ("192.0.2.4", "refused")] {
            let process = try setup.sandbox.spawn(
                cgroup: "app-a.scope", executable: "python3",
                arguments: ["-c", Self.forkedConnect, address, String(setup.internet.port)])
            _ = process.waitForExit()
            #expect(process.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == expected, "\(address): \(process.stderr)")
        }
    }

    /// Echo server on argv[1] in the internet namespace.
    static let echoServer = """
        import socket, sys, threading
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", int(sys.argv[1]))); s.listen(16); print('{"event": "listening"}', flush=True)
        def serve(c):
            while (data := c.recv(100)): c.sendall(data)
            c.close()
        while True:
            c, _ = s.accept(); threading.Thread(target=serve, args=(c,), daemon=True).start()
        """
    /// Connects to argv[1]:argv[2], says "open", waits for the file argv[3],
    /// then sends "ping" over the same connection and prints what came back.
    static let heldConnection = """
        import os, socket, sys, time
        c = socket.create_connection((sys.argv[1], int(sys.argv[2])), timeout=5)
        print('{"event": "open"}', flush=True)
        while not os.path.exists(sys.argv[3]): time.sleep(0.05)
        c.sendall(b"ping"); print('{"event": "echo", "data": "%s"}' % c.recv(100).decode(), flush=True)
        """

    @Test func pinsExpireButEstablishedConnectionsSurvive() throws {
        let setup = try Setup(
            profiles: ["shop.toml": Self.enforce(unit: "app-a.scope", allow: ["*.example"])],
            addresses: ["192.0.2.5"], pinFloor: "1s")
        defer { setup.shutdown() }
        let echo = try setup.internet.spawn(in: setup.sandbox, "python3", ["-c", Self.echoServer, "9090"])
        _ = try echo.waitForEvent("listening")

        // TTL 2 s, floor 1 s: the pin lasts 2 s.
        #expect(try setup.resolve("h5-t2.example", from: "app-a.scope") == "192.0.2.5")
        #expect(try setup.elements("pin4").contains("\"app-a.scope\" . 192.0.2.5 timeout 2s"))
        let go = setup.folder.appendingPathComponent("go")
        let held = try setup.sandbox.spawn(
            cgroup: "app-a.scope", executable: "python3", arguments: ["-c", Self.heldConnection, "192.0.2.5", "9090", go.path])
        _ = try held.waitForEvent("open")

        var expired = false
        for _ in 0..<60 where !expired {
            usleep(100_000)
            expired = try !setup.elements("pin4").contains("192.0.2.5")
        }
        #expect(expired, "the pin should be gone from pin4 after its 2 s timeout")
        // A new connection is refused now; the one opened while pinned still carries data.
        #expect(try setup.connect("app-a.scope", "192.0.2.5") == .refused)
        _ = FileManager.default.createFile(atPath: go.path, contents: nil)
        let reply = try held.waitForEvent("echo")
        #expect(reply["data"] as? String == "ping", "\(held.stderr)")
    }

    @Test func ipv6AnswersArePinnedInPin6() throws {
        let setup = try Setup(
            profiles: ["shop.toml": Self.enforce(unit: "app-a.scope", allow: ["h6.example"])],
            addresses: ["2001:db8::6", "2001:db8::7"])
        defer { setup.shutdown() }

        #expect(try setup.resolve("h6.example", "AAAA", from: "app-a.scope") == "2001:db8::6")
        #expect(try setup.connect("app-a.scope", "2001:db8::6") == .connected)
        #expect(try setup.connect("app-a.scope", "2001:db8::7") == .refused)
        #expect(try setup.connect("app-b.scope", "2001:db8::7") == .connected, "an ungoverned app is not touched")
        let pins = try setup.elements("pin6")
        #expect(pins.contains("\"app-a.scope\" . 2001:db8::6"), "\(pins)")
        #expect(!pins.contains("2001:db8::7"), "\(pins)")
    }
}
