import Foundation
import Glibc
import Testing
import TestSupport

/// Per-app answers from the real pinholed in a namespace sandbox: real
/// clients (dig) in their own cgroups, profiles and lists in real files.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct PolicyE2ETests {
    /// A sandbox with pinholed reading profiles and lists from a temporary folder.
    final class Stage {
        let folder: URL
        let profiles: URL
        let lists: URL
        let sandbox: NamespaceSandbox
        let daemon: DaemonProcess

        init(profiles files: [String: String], lists listFiles: [String: String]) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-policy-\(UUID().uuidString)")
            profiles = folder.appendingPathComponent("apps.d")
            lists = folder.appendingPathComponent("lists")
            for directory in [profiles, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            for (name, text) in files { try text.write(to: profiles.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            for (name, text) in listFiles { try text.write(to: lists.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            daemon = try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\nlists_dir = \"\(lists.path)\"\n")
        }

        deinit {
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// `dig +short` for `name` from a process in `cgroup`: the answer lines.
        func dig(_ cgroup: String, _ name: String) throws -> [String] {
            let process = try sandbox.spawn(cgroup: cgroup, executable: "dig", arguments: ["@127.0.0.1", "+short", "+tries=1", "+time=3", name])
            #expect(process.waitForExit() == 0, "\(process.stderr)")
            return process.stdout.split(separator: "\n").map(String.init)
        }

        /// pinholed's query line for `name` asked from `cgroup` (the latest one).
        func line(_ name: String, cgroup: String) -> [String: String]? {
            QueryLogLines.wait(for: daemon) { $0["qname"] == name + "." && $0["cgroup"] == "/" + cgroup }.last
        }
    }

    static let profiles = [
        "shop-app.toml": """
            mode = "enforce"
            allow = ["allowed.example", "cloaked.shop.example"]
            lists = ["trackers"]
            [match]
            unit = "app-a.scope"
            """,
        "browser.toml": """
            mode = "block-listed"
            deny = ["allowed.example"]
            lists = ["trackers"]
            [match]
            unit = "app-b.scope"
            """,
    ]
    static let lists = ["trackers.txt": "# test list\ntracker.example\n"]

    @Test func twoAppsGetDifferentAnswersByTheirProfiles() throws {
        let stage = try Stage(profiles: Self.profiles, lists: Self.lists)
        // allowed.example: a's profile allows it; b's denies it (null answer).
        #expect(try stage.dig("app-a.scope", "allowed.example") == ["192.0.2.1"])
        #expect(try stage.dig("app-b.scope", "allowed.example") == ["0.0.0.0"])
        // other.example: a is in enforce mode, b in block-listed.
        #expect(try stage.dig("app-a.scope", "other.example") == ["0.0.0.0"])
        #expect(try stage.dig("app-b.scope", "other.example") == ["192.0.2.1"])
        // A list entry blocks for b; the line names the list, file and line.
        #expect(try stage.dig("app-b.scope", "cdn.tracker.example") == ["0.0.0.0"])
        let listed = try #require(stage.line("cdn.tracker.example", cgroup: "app-b.scope"), "\(stage.daemon.log.suffix(2000))")
        #expect(listed["decision"] == "blocked" && listed["profile"] == "browser")
        #expect(listed["why"] == "list entry tracker.example (list trackers (\(stage.lists.path)/trackers.txt:2))")
        let denied = try #require(stage.line("allowed.example", cgroup: "app-b.scope"))
        #expect(denied["why"] == "profile deny allowed.example (\(stage.profiles.path)/browser.toml:2)")
        #expect(stage.line("allowed.example", cgroup: "app-a.scope")?["decision"] == "allowed")
    }

    @Test func aTrackerBehindACNAMEIsBlocked() throws {
        let stage = try Stage(profiles: Self.profiles, lists: Self.lists)
        // b's own list blocks tracker.example, which the allowed-looking name aliases.
        #expect(try stage.dig("app-b.scope", "cloaked.shop.example") == ["0.0.0.0"])
        let line = try #require(stage.line("cloaked.shop.example", cgroup: "app-b.scope"), "\(stage.daemon.log.suffix(2000))")
        #expect(line["decision"] == "blocked")
        #expect(line["why"]?.hasPrefix("CNAME cloaked-target.tracker.example: list entry tracker.example") == true)
        // a allows the name itself, but its answer still passes through the tracker: a's list blocks it too.
        #expect(try stage.dig("app-a.scope", "cloaked.shop.example") == ["0.0.0.0"])
    }

    @Test func aPublicNameAnsweringAPrivateAddressIsBlocked() throws {
        let stage = try Stage(profiles: Self.profiles, lists: Self.lists)
        #expect(try stage.dig("app-b.scope", "internal.rebind.example") == ["0.0.0.0"])
        let line = try #require(stage.line("internal.rebind.example", cgroup: "app-b.scope"))
        #expect(line["why"] == "rebinding guard: public name answered with internal address 192.168.1.1")
    }

    @Test func aReloadWithABrokenFileKeepsTheOldPolicyAndSaysWhere() throws {
        let stage = try Stage(profiles: Self.profiles, lists: Self.lists)
        #expect(try stage.dig("app-b.scope", "allowed.example") == ["0.0.0.0"])
        let browser = stage.profiles.appendingPathComponent("browser.toml")
        try "mode = \"block-listed\"\ndeny = [\"allowed.example\"]\nlists = [\"trackers\"]\nmode = \"what\"\n[match]\nunit = \"app-b.scope\"\n"
            .write(to: browser, atomically: true, encoding: .utf8)
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        let failed = QueryLogLines.waitForText(in: stage.daemon, "policy reload failed")
        #expect(failed, "\(stage.daemon.log.suffix(2000))")
        #expect(stage.daemon.log.contains("\(browser.path):4"), "\(stage.daemon.log.suffix(2000))")
        #expect(try stage.dig("app-b.scope", "allowed.example") == ["0.0.0.0"])

        // Fixed and allowing it now: the next reload takes effect.
        try "mode = \"block-listed\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-b.scope\"\n"
            .write(to: browser, atomically: true, encoding: .utf8)
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        #expect(QueryLogLines.waitForText(in: stage.daemon, "policy reloaded"), "\(stage.daemon.log.suffix(2000))")
        #expect(try stage.dig("app-b.scope", "allowed.example") == ["192.0.2.1"])
    }
}
