import Foundation
import Glibc
import Testing
import TestSupport

/// DNS capture and encrypted-DNS rejects, end to end: the real pinholed in
/// a namespace sandbox, its upstream a DNS server in "the internet"
/// (192.0.2.53:53 behind the veth), so pinholed's own port-53 queries cross
/// the nat chain that redirects everybody else's.
///
/// Capture is for every app, governed or not: a hard-coded resolver is
/// answered by pinholed for all of them (and filtered by each app's
/// profile); only the 853 and DoH-address rejects are for governed apps.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct CaptureE2ETests {
    /// pinholed on 127.0.0.1:53 and [::1]:53, app-a.scope governed (enforce,
    /// allows allowed.example), upstream 192.0.2.53, a DoH address list.
    final class Stage {
        let folder: URL
        let dohList: URL
        let sandbox: NamespaceSandbox
        let internet: SandboxInternet
        let daemon: DaemonProcess

        init(dohAddresses: String) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-capture-\(UUID().uuidString)")
            let profiles = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            try "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n"
                .write(to: profiles.appendingPathComponent("shop.toml"), atomically: true, encoding: .utf8)
            dohList = folder.appendingPathComponent("doh-test.cidr")
            try dohAddresses.write(to: dohList, atomically: true, encoding: .utf8)
            sandbox = try NamespaceSandbox()
            internet = try SandboxInternet(
                in: sandbox, addresses: ["192.0.2.1", "192.0.2.2", "192.0.2.53", "2001:db8::1", "2001:db8::2"])
            try internet.startResponder(in: sandbox, address: "192.0.2.53")
            daemon = try sandbox.startDaemon(
                upstreams: ["192.0.2.53:53"],
                configText: """
                    [policy]
                    profiles_dir = "\(profiles.path)"
                    [enforcement]
                    enabled = true
                    doh_addresses = "\(dohList.path)"
                    """,
                arguments: ["--listen", "[::1]:53"])
        }

        deinit {
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// Runs dig in `cgroup` with `arguments`; its pid and the answer lines.
        func dig(_ cgroup: String, _ arguments: [String]) throws -> (pid: pid_t, answers: [String]) {
            let process = try sandbox.spawn(cgroup: cgroup, executable: "dig", arguments: ["+short", "+tries=1", "+time=3"] + arguments)
            #expect(process.waitForExit() == 0, "dig \(arguments): \(process.stdout)\(process.stderr)")
            return (process.pid, process.stdout.split(separator: "\n").map(String.init))
        }

        /// pinholed's query line for `name` sent by the process `pid`.
        func line(_ name: String, pid: pid_t) -> [String: String]? {
            QueryLogLines.wait(for: daemon) { $0["qname"] == name + "." && $0["pid"] == String(pid) }.last
        }

        func nft(_ arguments: [String]) throws -> String {
            let result = try sandbox.run("nft", arguments)
            #expect(result.status == 0, "nft \(arguments): \(result.stderr)")
            return result.stdout
        }

        /// The packet count of the `dnat ip to`/`dnat ip6 to` rule of nat_out.
        func redirected(_ family: String) throws -> Int? {
            let chain = try nft(["list", "chain", "inet", "pinhole", "nat_out"])
            guard let rule = chain.split(separator: "\n").first(where: { $0.contains("dnat \(family) to") }),
                let range = rule.range(of: "counter packets ")
            else { return nil }
            return Int(rule[range.upperBound...].prefix { $0.isNumber })
        }
    }

    @Test func hardCodedResolversAreAnsweredAttributedAndFiltered() throws {
        let stage = try Stage(dohAddresses: "")
        defer { _ = stage.daemon.stop() }
        let log = { stage.daemon.log.suffix(3000) }

        // pinholed's own upstream query to 192.0.2.53:53 is marked: not looped into itself, not redirected.
        #expect(try stage.dig("app-a.scope", ["@127.0.0.1", "allowed.example"]).answers == ["192.0.2.1"], "\(log())")
        #expect(try stage.dig("app-a.scope", ["+tcp", "@127.0.0.1", "tcp-upstream.allowed.example"]).answers == ["192.0.2.1"])
        #expect(try stage.redirected("ip") == 0)

        // A governed app asks 192.0.2.9 (no DNS server there, not even a host): pinholed answers,
        // attributes it to dig and decides by the app's profile.
        let allowed = try stage.dig("app-a.scope", ["@192.0.2.9", "allowed.example"])
        #expect(allowed.answers == ["192.0.2.1"], "\(log())")
        let line = try #require(stage.line("allowed.example", pid: allowed.pid), "\(log())")
        #expect(line["cgroup"] == "/app-a.scope" && line["profile"] == "shop" && line["decision"] == "allowed")
        #expect(line["transport"] == "udp" && line["exe"]?.hasSuffix("/dig") == true, "\(line)")
        let blocked = try stage.dig("app-a.scope", ["@192.0.2.9", "other.example"])
        #expect(blocked.answers == ["0.0.0.0"])
        #expect(stage.line("other.example", pid: blocked.pid)?["decision"] == "blocked")
        // Over TCP too (the redirected connection's tuple is found by sock_diag).
        let tcp = try stage.dig("app-a.scope", ["+tcp", "@192.0.2.9", "allowed.example"])
        #expect(tcp.answers == ["192.0.2.1"])
        #expect(stage.line("allowed.example", pid: tcp.pid)?["transport"] == "tcp", "\(log())")
        // The answer was pinned for the app: it reaches 192.0.2.1, and nothing else.
        #expect(try stage.internet.connect(from: stage.sandbox, cgroup: "app-a.scope", to: "192.0.2.1") == .connected)
        #expect(try stage.internet.connect(from: stage.sandbox, cgroup: "app-a.scope", to: "192.0.2.2") == .refused)

        // An ungoverned app's hard-coded query is captured as well.
        let other = try stage.dig("app-b.scope", ["@192.0.2.2", "anything.example"])
        #expect(other.answers == ["192.0.2.1"])
        #expect(stage.line("anything.example", pid: other.pid)?["cgroup"] == "/app-b.scope", "\(log())")
        #expect(try stage.redirected("ip") == 4)

        // IPv6: to the [::1] listener.
        let v6 = try stage.dig("app-a.scope", ["@2001:db8::9", "AAAA", "allowed.example"])
        #expect(v6.answers == ["2001:db8::1"], "\(log())")
        #expect(stage.line("allowed.example", pid: v6.pid)?["profile"] == "shop", "\(log())")
        let v6tcp = try stage.dig("app-b.scope", ["+tcp", "@2001:db8::9", "AAAA", "v6.example"])
        #expect(v6tcp.answers == ["2001:db8::1"])
        #expect(stage.line("v6.example", pid: v6tcp.pid)?["cgroup"] == "/app-b.scope", "\(log())")
        #expect(try stage.redirected("ip6") == 2)

        #expect(stage.daemon.log.contains("DNS capture: IPv4 port 53 from other processes goes to 127.0.0.1:53"))
        #expect(stage.daemon.log.contains("DNS capture: IPv6 port 53 from other processes goes to [::1]:53"))
    }

    @Test func encryptedDNSIsRefusedForGovernedAppsOnly() throws {
        let stage = try Stage(dohAddresses: "# test resolvers\n192.0.2.1\n2001:db8::1\n")
        defer { _ = stage.daemon.stop() }
        try stage.internet.startListener(in: stage.sandbox, port: 853)
        try stage.internet.startListener(in: stage.sandbox, port: 443)
        func connect(_ cgroup: String, _ address: String, _ port: UInt16) throws -> SandboxInternet.ConnectOutcome {
            try stage.internet.connect(from: stage.sandbox, cgroup: cgroup, to: address, port: port)
        }
        let sets = try stage.nft(["list", "set", "inet", "pinhole", "doh4"]) + stage.nft(["list", "set", "inet", "pinhole", "doh6"])
        #expect(sets.contains("elements = { 192.0.2.1 }") && sets.contains("elements = { 2001:db8::1 }"), "\(sets)")

        // app-a resolves and pins 192.0.2.1 and 2001:db8::1: plain TCP goes, DoT and DoH do not.
        #expect(try stage.dig("app-a.scope", ["@127.0.0.1", "allowed.example"]).answers == ["192.0.2.1"])
        #expect(try stage.dig("app-a.scope", ["@127.0.0.1", "AAAA", "allowed.example"]).answers == ["2001:db8::1"])
        #expect(try connect("app-a.scope", "192.0.2.1", 8080) == .connected)
        #expect(try connect("app-a.scope", "192.0.2.1", 853) == .refused)
        #expect(try connect("app-a.scope", "192.0.2.1", 443) == .refused)
        #expect(try connect("app-a.scope", "2001:db8::1", 8080) == .connected)
        #expect(try connect("app-a.scope", "2001:db8::1", 853) == .refused)
        #expect(try connect("app-a.scope", "2001:db8::1", 443) == .refused)
        // An ungoverned app reaches all of it.
        #expect(try connect("app-b.scope", "192.0.2.1", 853) == .connected)
        #expect(try connect("app-b.scope", "192.0.2.1", 443) == .connected)
        #expect(try connect("app-b.scope", "2001:db8::1", 443) == .connected)

        // SIGHUP re-reads the list: 192.0.2.1 leaves it, so 443 opens for the pinned app (853 stays shut).
        try "192.0.2.2\n".write(to: stage.dohList, atomically: true, encoding: .utf8)
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        let deadline = Date().addingTimeInterval(10)
        while !stage.daemon.log.contains("DoH address list reloaded") && Date() < deadline { usleep(20_000) }
        #expect(stage.daemon.log.contains("policy reloaded"), "both SIGHUP listeners ran: \(stage.daemon.log.suffix(2000))")
        let reloaded = try stage.nft(["list", "set", "inet", "pinhole", "doh4"])
        #expect(reloaded.contains("elements = { 192.0.2.2 }"), "\(reloaded)")
        #expect(try connect("app-a.scope", "192.0.2.1", 443) == .connected)
        #expect(try connect("app-a.scope", "192.0.2.1", 853) == .refused)
        #expect(stage.daemon.stop() == 0)
    }
}
