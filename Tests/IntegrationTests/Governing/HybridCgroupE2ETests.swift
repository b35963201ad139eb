import Foundation
import Glibc
import Testing
import TestSupport

/// Enforcement on a hybrid cgroup host (cgroup2 at /sys/fs/cgroup/unified,
/// a tmpfs at /sys/fs/cgroup), end to end, with pinholed in the host's own
/// mount namespace (no private view: every cgroup goes to the kernel by
/// id). A decoy directory /sys/fs/cgroup/app-a.scope in the tmpfs (where a
/// v1 controller's directory would be) has another inode: a cgroup id
/// resolved against /sys/fs/cgroup would govern and pin the wrong id, and
/// the connects below would come out wrong. pinholed governs a new app
/// cgroup (refused by IP), pins what the app resolved, applies its
/// `allow_cidrs`, marks a `pinhole exec` scope made in the real cgroup2
/// mount, `pinhole status` (nft lists bare ids in the hybrid view) names
/// the cgroup by its path in cgroup2, and removing the cgroup leaves no
/// element of it in any set.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct HybridCgroupE2ETests {
    @Test func pinholedGovernsPinsAndAppliesRulesOnAHybridLayoutWithoutAMountNamespace() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-hybrid-\(UUID().uuidString)")
        let profiles = folder.appendingPathComponent("apps.d")
        try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        try "mode = \"enforce\"\nallow = [\"allowed.example\"]\nallow_cidrs = [\"2001:db8::2/128\"]\n[match]\nunit = \"app-a.scope\"\n"
            .write(to: profiles.appendingPathComponent("shop.toml"), atomically: true, encoding: .utf8)

        let sandbox = try NamespaceSandbox(layout: .hybrid)
        defer { sandbox.shutdown() }
        // The layout is what a hybrid host has: no cgroup2 at /sys/fs/cgroup.
        #expect(try sandbox.run("test", ["-e", "/sys/fs/cgroup/cgroup.controllers"]).status != 0)
        #expect(try sandbox.run("test", ["-e", "/sys/fs/cgroup/unified/cgroup.controllers"]).status == 0)
        #expect(try sandbox.run("mkdir", ["/sys/fs/cgroup/app-a.scope"]).status == 0, "the decoy")
        _ = try sandbox.startResponder()
        let internet = try SandboxInternet(in: sandbox)
        let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path

        let daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n")
        // pinholed stays in the sandbox's mount namespace.
        let sandboxNamespace = try sandbox.run("readlink", ["/proc/self/ns/mnt"]).stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        let daemonNamespace = try FileManager.default.destinationOfSymbolicLink(atPath: "/proc/\(daemon.process.processIdentifier)/ns/mnt")
        #expect(!sandboxNamespace.isEmpty && daemonNamespace == sandboxNamespace, "\(daemonNamespace) vs \(sandboxNamespace)")

        // A new app cgroup that never asked DNS: governed, refused by IP; another app is not.
        try sandbox.makeCgroup("app-a.scope")
        let id = String(try sandbox.cgroupID("app-a.scope"))
        let deadline = Date().addingTimeInterval(5)
        // nft names it in the hybrid view by whatever path under /sys/fs/cgroup has its id ("unified/app-a.scope").
        while try !sandbox.governedElements().contains(where: { $0 == id || $0.hasSuffix("app-a.scope") }) {
            guard Date() < deadline else {
                throw TestFailure("app-a.scope (id \(id)) never governed: \(try sandbox.governedElements())\n\(daemon.log.suffix(3000))")
            }
            usleep(20_000)
        }
        #expect(try internet.connect(from: sandbox, cgroup: "app-a.scope", to: "192.0.2.2") == .refused)
        #expect(try internet.connect(from: sandbox, cgroup: "app-b.scope", to: "192.0.2.2") == .connected)

        // It resolves through pinholed: the answer is pinned for it and only it.
        let dig = try sandbox.run("dig", ["@127.0.0.1", "+short", "allowed.example"], cgroup: "app-a.scope")
        #expect(dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines) == "192.0.2.1", "\(dig.stdout)\(dig.stderr)")
        #expect(try internet.connect(from: sandbox, cgroup: "app-a.scope", to: "192.0.2.1") == .connected)
        #expect(try internet.connect(from: sandbox, cgroup: "app-a.scope", to: "192.0.2.2") == .refused)
        // Its allow_cidrs (static6, a pipapo range keyed by id) holds since that query; the rest of v6 does not.
        #expect(try internet.connect(from: sandbox, cgroup: "app-a.scope", to: "2001:db8::2") == .connected)
        #expect(try internet.connect(from: sandbox, cgroup: "app-a.scope", to: "2001:db8::1") == .refused)

        // pinhole status runs in the hybrid view (nft lists ids there) and names the cgroup by path.
        let run = try sandbox.run(pinhole, ["status", "--json", "--socket", daemon.controlSocketPath])
        guard run.status == 0, let top = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
              let apps = top["apps"] as? [[String: Any]]
        else { throw TestFailure("pinhole status --json: \(run.status) \(run.stdout) \(run.stderr)") }
        let app = apps.first { $0["cgroup"] as? String == "app-a.scope" }
        #expect(app?["governed"] as? Bool == true, "\(apps)")
        #expect((app?["pins4"] as? Int ?? 0) >= 1, "\(apps)")
        #expect(app?["staticRanges"] as? [String] == ["2001:db8::2"], "\(apps)")
        #expect(!apps.contains { $0["cgroup"] as? String == id || $0["cgroup"] as? String == "unified/app-a.scope" }, "\(apps)")
        let table = try sandbox.run(pinhole, ["status", "--socket", daemon.controlSocketPath])
        #expect(table.stdout.split(separator: "\n").contains { $0.hasPrefix("app-a.scope ") }, "\(table.stdout)\(table.stderr)")

        // pinhole exec (in the hybrid view) makes its scope in the real cgroup2
        // mount; pinholed governs and marks it before the command runs.
        let exec = try sandbox.run(
            pinhole, ["exec", "--app", "shop", "--no-systemd", "--", "python3", "-c", GovernE2ETests.connectScript, "192.0.2.2", "8080"])
        #expect(exec.stdout.hasPrefix("refused"), "\(exec.stdout)\(exec.stderr)")
        #expect(!exec.stderr.contains("did not decide"), "\(exec.stderr)")
        #expect(FileManager.default.fileExists(atPath: sandbox.hostPath(ofCgroup: "pinhole.exec")))

        // Removed, the app leaves no element in any set (deleted by id; nft would list a gone one as its id).
        let deadline2 = Date().addingTimeInterval(2)
        while rmdir(sandbox.hostPath(ofCgroup: "app-a.scope")) != 0 && errno == EBUSY && Date() < deadline2 { usleep(5_000) }
        var left = try AppRulesE2ETests.elements(sandbox, naming: [id, "app-a.scope", "unified/app-a.scope"])
        for _ in 0..<100 where !left.isEmpty {
            usleep(20_000)
            left = try AppRulesE2ETests.elements(sandbox, naming: [id, "app-a.scope", "unified/app-a.scope"])
        }
        #expect(left.isEmpty, "elements of the removed app-a.scope: \(left)")

        #expect(!daemon.log.contains("governing or app rules failed"), "\(daemon.log.suffix(3000))")
        #expect(!daemon.log.contains("could not change the governed set"), "\(daemon.log.suffix(3000))")
        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
    }
}
