import Foundation
import Glibc
import Testing
import TestSupport

/// Per-app interfaces, interface owners, static ranges and `pinhole
/// status`, end to end: the real pinholed in a namespace sandbox, real
/// processes in cgroups, real connects to "the internet" over two
/// interfaces: veth0 (192.0.2.0/24, SandboxInternet's) and wg0, a second
/// veth pair into the same namespace (198.51.100.0/24), owned by vpn.scope
/// and only-wg0.scope.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct AppRulesE2ETests {
    static let profiles = [
        // block-listed: not governed, but may use wg0 only (and is one of its owners).
        "only-wg0": "interfaces = [\"wg0\"]\n[match]\nunit = \"only-wg0.scope\"\n",
        // enforce with nothing allowed by name: only its static range is reachable.
        "printer": "mode = \"enforce\"\nallow_cidrs = [\"192.0.2.2/32\", \"2001:db8::2/128\"]\n[match]\nunit = \"printer.scope\"\n",
        "shop": "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n",
    ]

    /// A second link into the internet namespace: wg0 here, 198.51.100.1 there.
    static func addSecondInterface(_ sandbox: NamespaceSandbox, _ internet: SandboxInternet) throws {
        let pid = String(internet.pid)
        let commands: [(String, [String])] = [
            ("ip", ["link", "add", "wg0", "type", "veth", "peer", "name", "wg0peer"]),
            ("ip", ["link", "set", "wg0peer", "netns", pid]),
            ("ip", ["addr", "add", "198.51.100.254/24", "dev", "wg0"]),
            ("ip", ["link", "set", "wg0", "up"]),
            ("nsenter", ["--target", pid, "--net", "ip", "addr", "add", "198.51.100.1/24", "dev", "wg0peer"]),
            ("nsenter", ["--target", pid, "--net", "ip", "link", "set", "wg0peer", "up"]),
        ]
        for (tool, arguments) in commands {
            let result = try sandbox.run(tool, arguments)
            guard result.status == 0 else { throw TestFailure("\(tool) \(arguments.joined(separator: " ")): \(result.stderr)") }
        }
    }

    @Test func interfacesOwnersStaticRangesAndStatus() throws {
        let folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-rules-\(UUID().uuidString)")
        let directory = folder.appendingPathComponent("apps.d")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: folder) }
        for (name, text) in Self.profiles {
            try text.write(to: directory.appendingPathComponent("\(name).toml"), atomically: true, encoding: .utf8)
        }

        let sandbox = try NamespaceSandbox()
        defer { sandbox.shutdown() }
        _ = try sandbox.startResponder()  // answers A 192.0.2.1
        let internet = try SandboxInternet(in: sandbox)
        try Self.addSecondInterface(sandbox, internet)
        let pinhole = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_BIN").path

        // Status before pinholed built the table: a clear error. The socket is
        // named: the default one is the host's /run/pinhole, where a pinholed
        // outside the sandbox (an installed one, a benchmark's) may answer.
        let absent = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-absent-\(UUID().uuidString)/control.sock").path
        let early = try sandbox.run(pinhole, ["status", "--socket", absent])
        #expect(early.status != 0 && early.stderr.contains("enforcement is off or pinholed is not running"), "\(early.stderr)")

        let daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: """
                [policy]
                profiles_dir = "\(directory.path)"
                [enforcement]
                enabled = true
                interface_owners = { wg0 = ["vpn.scope", "only-*.scope"] }
                """)
        func connect(_ cgroup: String, _ address: String) throws -> SandboxInternet.ConnectOutcome {
            try internet.connect(from: sandbox, cgroup: cgroup, to: address)
        }
        func resolve(_ cgroup: String, _ name: String) throws -> String {
            let dig = try sandbox.run("dig", ["@127.0.0.1", "+short", "+tries=1", name], cgroup: cgroup)
            return dig.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
        }

        // interface_owners hold from the moment a unit cgroup appears (the cgroup
        // watcher), before any DNS: the owners may use wg0, nobody else may.
        try sandbox.makeCgroup("vpn.scope")
        try sandbox.makeCgroup("only-wg0.scope")
        var owners = ""
        for _ in 0..<100 where !(owners.contains("\"vpn.scope\" . \"wg0\"") && owners.contains("\"only-wg0.scope\" . \"wg0\"")) {
            usleep(50_000)
            owners = try sandbox.run("nft", ["list", "set", "inet", "pinhole", "owners"]).stdout
        }
        #expect(owners.contains("\"vpn.scope\" . \"wg0\""), "\(owners)")
        #expect(try connect("vpn.scope", "198.51.100.1") == .connected)
        #expect(try connect("other.scope", "198.51.100.1") == .refused)
        #expect(try connect("other.scope", "192.0.2.2") == .connected)

        // interfaces = ["wg0"]: veth0 is refused to it from its cgroup's appearance on
        // (applied with its ownership, before any query); wg0, which it owns, stays open.
        #expect(try connect("only-wg0.scope", "192.0.2.2") == .refused)
        #expect(try connect("only-wg0.scope", "198.51.100.1") == .connected)
        #expect(try resolve("only-wg0.scope", "anything.example") == "192.0.2.1")
        #expect(try connect("only-wg0.scope", "192.0.2.2") == .refused)
        #expect(try connect("only-wg0.scope", "198.51.100.1") == .connected)
        #expect(try resolve("vpn.scope", "vpn.example") == "192.0.2.1")
        #expect(try connect("vpn.scope", "198.51.100.1") == .connected)

        // allow_cidrs: an enforce-mode app whose every name is blocked reaches its static range by IP.
        #expect(try resolve("printer.scope", "printer.example") == "0.0.0.0")
        #expect(try connect("printer.scope", "192.0.2.2") == .connected)
        #expect(try connect("printer.scope", "192.0.2.1") == .refused)
        #expect(try connect("printer.scope", "2001:db8::2") == .connected)
        #expect(try connect("printer.scope", "2001:db8::1") == .refused)

        // pinhole status, run inside the sandbox, reads the kernel's table.
        #expect(try resolve("app-a.scope", "allowed.example") == "192.0.2.1")
        func status() throws -> [String: [String: Any]] {
            let run = try sandbox.run(pinhole, ["status", "--json", "--socket", daemon.controlSocketPath])
            guard run.status == 0, let top = try JSONSerialization.jsonObject(with: Data(run.stdout.utf8)) as? [String: Any],
                  let apps = top["apps"] as? [[String: Any]]
            else { throw TestFailure("pinhole status --json: \(run.status) \(run.stdout) \(run.stderr)") }
            return Dictionary(apps.compactMap { app in (app["cgroup"] as? String).map { ($0, app) } }, uniquingKeysWith: { a, _ in a })
        }
        let before = try status()
        #expect(before["app-a.scope"]?["governed"] as? Bool == true)
        #expect(before["app-a.scope"]?["pins4"] as? Int == 1)
        #expect(before["app-a.scope"]?["blocked"] as? Int == 0)
        #expect(before["printer.scope"]?["blocked"] as? Int == 2)
        #expect(before["printer.scope"]?["staticRanges"] as? [String] == ["192.0.2.2", "2001:db8::2"])
        #expect(before["only-wg0.scope"]?["interfaces"] as? [String] == ["wg0"])
        #expect(before["only-wg0.scope"]?["owns"] as? [String] == ["wg0"])
        #expect(before["only-wg0.scope"]?["governed"] as? Bool == false)
        #expect(before["vpn.scope"]?["owns"] as? [String] == ["wg0"])

        #expect(try connect("app-a.scope", "192.0.2.2") == .refused)
        #expect(try connect("app-a.scope", "192.0.2.2") == .refused)
        let after = try status()
        #expect(after["app-a.scope"]?["blocked"] as? Int == 2)
        let table = try sandbox.run(pinhole, ["status", "--socket", absent])
        #expect(table.status == 0)
        let row = table.stdout.split(separator: "\n").first { $0.hasPrefix("app-a.scope ") }.map(String.init) ?? ""
        #expect(row.split(separator: " ", omittingEmptySubsequences: true).map(String.init).prefix(4) == ["app-a.scope", "yes", "1/0", "2"], "\(table.stdout)")

        // With the daemon's control socket: its own report comes first, the kernel's table after.
        let full = try sandbox.run(pinhole, ["status", "--json", "--socket", daemon.controlSocketPath])
        let top = try #require(try JSONSerialization.jsonObject(with: Data(full.stdout.utf8)) as? [String: Any], "\(full.stdout)\(full.stderr)")
        let reported = try #require(top["daemon"] as? [String: Any], "\(full.stdout)")
        #expect(reported["pid"] as? Int == Int(daemon.process.processIdentifier))
        #expect(reported["queries"] as? Int == 4, "the four digs above: \(reported)")
        #expect((reported["log"] as? [String: Any])?["dropped"] as? Int == 0, "\(reported)")
        #expect((top["apps"] as? [Any])?.isEmpty == false && top["enforcement"] as? Bool == true)
        let text = try sandbox.run(pinhole, ["status", "--socket", daemon.controlSocketPath]).stdout
        #expect(text.hasPrefix("pinholed ") && text.contains("0 dropped"), "\(text)")

        // Removed cgroups leave nothing behind: governed, pins, interfaces,
        // ownership and static ranges are deleted by id, in every set.
        let gone = ["app-a.scope", "printer.scope", "only-wg0.scope", "vpn.scope"]
        let ids = try gone.map { String(try sandbox.cgroupID($0)) }
        #expect(!(try Self.elements(sandbox, naming: gone + ids)).isEmpty, "the apps have elements before")
        for cgroup in gone {
            let deadline = Date().addingTimeInterval(2)
            while rmdir(sandbox.hostPath(ofCgroup: cgroup)) != 0 && errno == EBUSY && Date() < deadline { usleep(5_000) }
        }
        var left = try Self.elements(sandbox, naming: gone + ids)
        for _ in 0..<100 where !left.isEmpty {
            usleep(20_000)
            left = try Self.elements(sandbox, naming: gone + ids)
        }
        #expect(left.isEmpty, "elements of removed cgroups: \(left)\n\(daemon.log.suffix(2000))")

        #expect(daemon.stop() == 0, "\(daemon.log.suffix(2000))")
    }

    /// "set: element" for every element of `inet pinhole` (nft -j) with a
    /// key part equal to one of `names` (a cgroup path, or the bare id nft
    /// prints for a gone cgroup).
    static func elements(_ sandbox: NamespaceSandbox, naming names: [String]) throws -> [String] {
        let listing = try sandbox.run("nft", ["-j", "list", "table", "inet", "pinhole"])
        guard listing.status == 0, let top = try JSONSerialization.jsonObject(with: Data(listing.stdout.utf8)) as? [String: Any],
              let objects = top["nftables"] as? [[String: Any]]
        else { throw TestFailure("nft -j list table inet pinhole: \(listing.stderr)") }
        func leaves(_ value: Any) -> [String] {
            if let text = value as? String { return [text] }
            if let number = value as? NSNumber { return [number.stringValue] }
            if let list = value as? [Any] { return list.flatMap(leaves) }
            if let object = value as? [String: Any] { return object.values.flatMap(leaves) }
            return []
        }
        var found: [String] = []
        for set in objects.compactMap({ $0["set"] as? [String: Any] }) {
            for element in set["elem"] as? [Any] ?? [] where leaves(element).contains(where: names.contains) {
                found.append("\(set["name"] ?? "?"): \(leaves(element))")
            }
        }
        return found
    }
}
