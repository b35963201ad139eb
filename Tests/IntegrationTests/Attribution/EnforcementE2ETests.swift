import Foundation
import Glibc
import Testing
import TestSupport

/// The first slice of enforcement, end to end: the real pinholed in a
/// namespace sandbox builds `table inet pinhole`, and a governed app (a
/// profile in enforce mode) reaches the address it resolved and nothing
/// else, over a veth to a second namespace ("the internet").
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct EnforcementE2ETests {
    /// TCP listener on 8080 on every address of its namespace.
    static let listener = """
        import socket
        s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        s.bind(("0.0.0.0", 8080)); s.listen(16); print('{"event": "listening"}', flush=True)
        while True:
            c, _ = s.accept(); c.close()
        """
    /// Exit 0 when a TCP connection to argv[1]:8080 opens, 1 when refused, 2 on a timeout.
    static let connect = """
        import socket, sys
        try:
            socket.create_connection((sys.argv[1], 8080), timeout=3).close(); print("connected")
        except ConnectionRefusedError: print("refused"); sys.exit(1)
        except OSError as e: print("error", e); sys.exit(2)
        """

    @Test func aGovernedAppReachesWhatItResolvedAndNothingElse() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-enf-\(UUID().uuidString)")
        let profiles = folder.appendingPathComponent("apps.d")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n"
            .write(to: profiles.appendingPathComponent("shop.toml"), atomically: true, encoding: .utf8)

        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()  // answers A 192.0.2.1
        // "The internet": 192.0.2.1 and 192.0.2.2 in a namespace of their own, behind a veth.
        let internet = try sandbox.spawn(cgroup: "internet.scope", executable: "unshare", arguments: ["-n", "sleep", "600"])
        let pid = String(internet.pid)
        for _ in 0..<200 where (try? String(contentsOfFile: "/proc/\(pid)/comm", encoding: .utf8)) != "sleep\n" { usleep(10_000) }
        for (tool, arguments) in [
            ("ip", ["link", "add", "veth0", "type", "veth", "peer", "name", "veth1"]),
            ("ip", ["link", "set", "veth1", "netns", pid]),
            ("ip", ["addr", "add", "192.0.2.254/24", "dev", "veth0"]),
            ("ip", ["link", "set", "veth0", "up"]),
            ("nsenter", ["--target", pid, "--net", "ip", "addr", "add", "192.0.2.1/24", "dev", "veth1"]),
            ("nsenter", ["--target", pid, "--net", "ip", "addr", "add", "192.0.2.2/24", "dev", "veth1"]),
            ("nsenter", ["--target", pid, "--net", "ip", "link", "set", "veth1", "up"]),
        ] {
            let result = try sandbox.run(tool, arguments)
            try #require(result.status == 0, "\(tool) \(arguments.joined(separator: " ")): \(result.stderr)")
        }
        let server = try sandbox.spawn(cgroup: "internet.scope", executable: "nsenter", arguments: ["--target", pid, "--net", "python3", "-c", Self.listener])
        _ = try server.waitForEvent("listening")

        let daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n")
        let table = try sandbox.run("nft", ["list", "table", "inet", "pinhole"])
        #expect(table.status == 0 && table.stdout.contains("set pin4"), "\(table.stderr)")

        func connect(_ cgroup: String, _ address: String) throws -> String {
            let process = try sandbox.spawn(cgroup: cgroup, executable: "python3", arguments: ["-c", Self.connect, address])
            _ = process.waitForExit()
            return process.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }
        // Resolving through pinholed governs app-a.scope and pins 192.0.2.1 for it.
        let dig = try sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        #expect(try connect("app-a.scope", "192.0.2.1") == "connected")
        #expect(try connect("app-a.scope", "192.0.2.2") == "refused")
        // An app with no enforce profile is not governed.
        #expect(try connect("app-b.scope", "192.0.2.2") == "connected")
        let listing = try sandbox.run("nft", ["list", "set", "inet", "pinhole", "pin4"])
        #expect(listing.stdout.contains("\"app-a.scope\" . 192.0.2.1"), "\(listing.stdout)")

        // A clean stop removes the table.
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
        #expect(try sandbox.run("nft", ["list", "table", "inet", "pinhole"]).status != 0)
    }
}
