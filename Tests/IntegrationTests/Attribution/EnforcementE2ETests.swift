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
        let internet = try SandboxInternet(in: sandbox)

        let daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n")
        let table = try sandbox.run("nft", ["list", "table", "inet", "pinhole"])
        #expect(table.status == 0 && table.stdout.contains("set pin4"), "\(table.stderr)")

        func connect(_ cgroup: String, _ address: String) throws -> SandboxInternet.ConnectOutcome {
            try internet.connect(from: sandbox, cgroup: cgroup, to: address)
        }
        // Resolving through pinholed governs app-a.scope and pins 192.0.2.1 for it.
        let dig = try sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        #expect(try connect("app-a.scope", "192.0.2.1") == .connected)
        #expect(try connect("app-a.scope", "192.0.2.2") == .refused)
        // An app with no enforce profile is not governed.
        #expect(try connect("app-b.scope", "192.0.2.2") == .connected)
        let listing = try sandbox.run("nft", ["list", "set", "inet", "pinhole", "pin4"])
        #expect(listing.stdout.contains("\"app-a.scope\" . 192.0.2.1"), "\(listing.stdout)")

        // A clean stop removes the table.
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
        #expect(try sandbox.run("nft", ["list", "table", "inet", "pinhole"]).status != 0)
    }
}
