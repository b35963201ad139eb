import Foundation
import Glibc
import Testing
import TestSupport

/// A profile's `interfaces` and `allow_cidrs` hold from the moment the
/// app's unit cgroup appears, and follow a policy reload, without the app
/// ever asking DNS: the real pinholed in a namespace sandbox, cgroups
/// created after it started, the kernel's sets read with nft, and real
/// connects to "the internet" over veth0 (192.0.2.0/24, 2001:db8::/64) and
/// wg0 (a second veth pair into it, 198.51.100.0/24).
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct ProactiveAppRulesE2ETests {
    /// A sandbox with the responder, the internet on veth0 and wg0, a profiles folder and pinholed.
    final class World {
        let folder: URL
        let profiles: URL
        let sandbox: NamespaceSandbox
        let internet: SandboxInternet
        private(set) var daemon: DaemonProcess?

        init(profiles texts: [String: String]) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-proactive-\(UUID().uuidString)")
            profiles = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            internet = try SandboxInternet(in: sandbox)
            try AppRulesE2ETests.addSecondInterface(sandbox, internet)
            // The interpreter itself, for profiles that match by executable (python3 on PATH may be a shim).
            let python = try sandbox.run("python3", ["-c", "import os, sys; print(os.path.realpath(sys.executable))"])
                .stdout.trimmingCharacters(in: .whitespacesAndNewlines)
            for (name, text) in texts { try profile(name, text.replacingOccurrences(of: "@PYTHON@", with: python)) }
            try startDaemon()
        }

        /// Starts pinholed (again, after a kill -9: the table is in place).
        func startDaemon() throws {
            daemon = try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\n[enforcement]\nenabled = true\n")
        }

        deinit {
            daemon?.stop()
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        func profile(_ name: String, _ text: String) throws {
            try text.write(to: profiles.appendingPathComponent("\(name).toml"), atomically: true, encoding: .utf8)
        }

        func connect(_ cgroup: String, _ address: String) throws -> SandboxInternet.ConnectOutcome {
            try internet.connect(from: sandbox, cgroup: cgroup, to: address)
        }

        /// The elements of `set` in `inet pinhole`, one string each ("printer.scope . 192.0.2.2").
        func elements(_ set: String) throws -> [String] {
            let listing = try sandbox.run("nft", ["-j", "list", "set", "inet", "pinhole", set])
            guard listing.status == 0,
                  let root = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any],
                  let items = root["nftables"] as? [[String: Any]]
            else { throw TestFailure("nft -j list set \(set): \(listing.stderr)") }
            return items.compactMap { $0["set"] as? [String: Any] }.flatMap { ($0["elem"] as? [Any]) ?? [] }.map(Self.text)
        }

        /// One element as text: a concatenation's parts joined by " . ", a prefix as "a/n".
        private static func text(_ value: Any) -> String {
            if let string = value as? String { return string }
            if let object = value as? [String: Any] {
                if let concat = object["concat"] as? [Any] { return concat.map(text).joined(separator: " . ") }
                if let elem = object["elem"] as? [String: Any], let val = elem["val"] { return text(val) }
                if let prefix = object["prefix"] as? [String: Any], let addr = prefix["addr"], let len = prefix["len"] {
                    return "\(text(addr))/\(len)"
                }
                if let range = object["range"] as? [Any] { return range.map(text).joined(separator: "-") }
            }
            return "\(value)"
        }

        /// Polls `elements(set)` until `condition` holds (5 s at most); the last listing.
        @discardableResult
        func waitFor(_ set: String, _ what: String, _ condition: ([String]) -> Bool) throws -> [String] {
            let deadline = Date().addingTimeInterval(5)
            var last = try elements(set)
            while !condition(last) {
                guard Date() < deadline else { throw TestFailure("set \(set) never came to: \(what); it is \(last)") }
                usleep(20_000)
                last = try elements(set)
            }
            return last
        }

        /// The number of queries pinholed answered, from its control socket.
        func queries() throws -> Int {
            let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path
            guard let daemon else { throw TestFailure("pinholed is not running") }
            let run = try sandbox.run(pinhole, ["status", "--json", "--socket", daemon.controlSocketPath])
            guard let top = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                  let reported = top["daemon"] as? [String: Any], let queries = reported["queries"] as? Int
            else { throw TestFailure("pinhole status --json: \(run.status) \(run.stdout) \(run.stderr)") }
            return queries
        }

        /// `pinhole reload` over the control socket (what SIGHUP does too).
        func reload() throws {
            let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path
            guard let daemon else { throw TestFailure("pinholed is not running") }
            let run = try sandbox.run(pinhole, ["reload", "--socket", daemon.controlSocketPath])
            guard run.status == 0 else { throw TestFailure("pinhole reload: \(run.status) \(run.stdout) \(run.stderr)") }
        }

        func stop() -> Int32? { daemon?.stop() }
    }

    @Test func profileRulesHoldFromTheCgroupsAppearanceWithoutAnyQuery() throws {
        let world = try World(profiles: [
            // enforce, nothing allowed by name: only its static ranges are reachable.
            "printer": "mode = \"enforce\"\nallow_cidrs = [\"192.0.2.2/32\", \"2001:db8::2/128\"]\n[match]\nunit = \"printer.scope\"\n",
            // learn (not governed), but may leave through wg0 only.
            "only-wg0": "mode = \"learn\"\ninterfaces = [\"wg0\"]\n[match]\nunit = \"only-wg0.scope\"\n",
            // Matches by executable: decided (rules included) once a process is in the cgroup.
            "tool": "mode = \"learn\"\ninterfaces = [\"wg0\"]\n[match]\nunit = \"tool-*.scope\"\nexecutable = \"@PYTHON@\"\n",
        ])
        #expect(try world.elements("static4").isEmpty && world.elements("restricted").isEmpty)

        // Created after pinholed started; no process in it ever asks DNS.
        try world.sandbox.makeCgroup("printer.scope")
        try world.waitFor("static4", "printer.scope's range") { $0 == ["printer.scope . 192.0.2.2"] }
        try world.waitFor("static6", "printer.scope's v6 range") { $0 == ["printer.scope . 2001:db8::2"] }
        try world.waitFor("governed", "printer.scope governed") { $0 == ["printer.scope"] }
        #expect(try world.connect("printer.scope", "192.0.2.2") == .connected)
        #expect(try world.connect("printer.scope", "2001:db8::2") == .connected)
        #expect(try world.connect("printer.scope", "192.0.2.1") == .refused)
        #expect(try world.connect("printer.scope", "2001:db8::1") == .refused)

        try world.sandbox.makeCgroup("only-wg0.scope")
        try world.waitFor("restricted", "only-wg0.scope restricted") { $0 == ["only-wg0.scope"] }
        #expect(try world.elements("ifaces") == ["only-wg0.scope . wg0"])
        #expect(try world.connect("only-wg0.scope", "192.0.2.2") == .refused, "veth0 is not its interface")
        #expect(try world.connect("only-wg0.scope", "198.51.100.1") == .connected)
        #expect(try !world.elements("governed").contains("only-wg0.scope"), "learn: restricted, not governed")
        // An app without a profile is neither.
        #expect(try world.connect("other.scope", "192.0.2.2") == .connected)

        // A profile that needs the executable: the rules come with the decision by its first process.
        try world.sandbox.makeCgroup("tool-1.scope")
        usleep(200_000)
        #expect(try !world.elements("restricted").contains("tool-1.scope"), "undecided while empty")
        let sleeper = try world.sandbox.spawn(cgroup: "tool-1.scope", executable: "python3", arguments: ["-c", "import time; time.sleep(60)"])
        defer { sleeper.kill() }
        try world.waitFor("restricted", "tool-1.scope restricted by its python process") { $0.contains("tool-1.scope") }
        #expect(try world.connect("tool-1.scope", "192.0.2.2") == .refused)
        #expect(try world.connect("tool-1.scope", "198.51.100.1") == .connected)

        #expect(try world.queries() == 0, "no DNS query was asked")
        let daemon = try #require(world.daemon)
        #expect(world.stop() == 0, "\(daemon.log.suffix(2000))")
    }

    @Test func aReloadAppliesAndRemovesProfileRulesWithoutAnyQuery() throws {
        let world = try World(profiles: [
            "shop": "mode = \"enforce\"\n[match]\nunit = \"shop.scope\"\n",
            "tool": "mode = \"learn\"\n[match]\nunit = \"tool.scope\"\n",
        ])
        try world.sandbox.makeCgroup("shop.scope")
        try world.sandbox.makeCgroup("tool.scope")
        try world.waitFor("governed", "shop.scope governed") { $0 == ["shop.scope"] }
        #expect(try world.connect("shop.scope", "192.0.2.2") == .refused)
        #expect(try world.connect("tool.scope", "192.0.2.2") == .connected)

        // The running apps' profiles gain allow_cidrs and interfaces: SIGHUP.
        try world.profile("shop", "mode = \"enforce\"\nallow_cidrs = [\"192.0.2.0/24\"]\n[match]\nunit = \"shop.scope\"\n")
        try world.profile("tool", "mode = \"learn\"\ninterfaces = [\"wg0\"]\n[match]\nunit = \"tool.scope\"\n")
        let daemon = try #require(world.daemon)
        kill(daemon.process.processIdentifier, SIGHUP)
        try world.waitFor("static4", "shop.scope's range added") { $0 == ["shop.scope . 192.0.2.0/24"] }
        try world.waitFor("restricted", "tool.scope restricted") { $0 == ["tool.scope"] }
        #expect(try world.elements("ifaces") == ["tool.scope . wg0"])
        #expect(try world.connect("shop.scope", "192.0.2.2") == .connected)
        #expect(try world.connect("shop.scope", "198.51.100.1") == .refused, "outside its range")
        #expect(try world.connect("tool.scope", "192.0.2.2") == .refused)
        #expect(try world.connect("tool.scope", "198.51.100.1") == .connected)

        // And lose them again: `pinhole reload` over the control socket.
        try world.profile("shop", "mode = \"enforce\"\n[match]\nunit = \"shop.scope\"\n")
        try world.profile("tool", "mode = \"learn\"\n[match]\nunit = \"tool.scope\"\n")
        try world.reload()
        try world.waitFor("static4", "shop.scope's range removed") { $0.isEmpty }
        try world.waitFor("restricted", "tool.scope's restriction removed") { $0.isEmpty }
        #expect(try world.elements("ifaces").isEmpty)
        #expect(try world.connect("shop.scope", "192.0.2.2") == .refused)
        #expect(try world.connect("tool.scope", "192.0.2.2") == .connected)
        #expect(try world.elements("governed") == ["shop.scope"])

        #expect(try world.queries() == 0, "no DNS query was asked")
        #expect(world.stop() == 0, "\(daemon.log.suffix(2000))")
    }
}
