import Foundation
import Glibc
import PinholeDaemon
import QueryLog
import Testing
import TestSupport

/// The query log with the real pinholed in a namespace sandbox and real
/// clients (dig) in their own cgroups: what lands in the database, what a
/// follower on the control socket sees, the per-app opt-out.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct QueryLogE2ETests {
    final class Stage {
        let folder: URL
        let sandbox: NamespaceSandbox
        let daemon: DaemonProcess

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-querylog-\(UUID().uuidString)")
            let profiles = folder.appendingPathComponent("apps.d")
            let lists = folder.appendingPathComponent("lists")
            for directory in [profiles, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            let files = [
                "shop.toml": "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n",
                "browser.toml": "mode = \"block-listed\"\ndeny = [\"allowed.example\"]\n[match]\nunit = \"app-b.scope\"\n",
                "quiet.toml": "log = false\n[match]\nunit = \"app-quiet.scope\"\n",
            ]
            for (name, text) in files { try text.write(to: profiles.appendingPathComponent(name), atomically: true, encoding: .utf8) }
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            daemon = try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: "[policy]\nprofiles_dir = \"\(profiles.path)\"\nlists_dir = \"\(lists.path)\"\n[querylog]\nbatch_interval = \"100ms\"\n")
        }

        deinit {
            daemon.stop()
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        /// dig from `cgroup`; returns its pid and the answer lines.
        @discardableResult
        func dig(_ cgroup: String, _ name: String) throws -> (pid: Int32, answers: [String]) {
            let process = try sandbox.spawn(cgroup: cgroup, executable: "dig", arguments: ["@127.0.0.1", "+short", "+tries=1", "+time=3", name])
            #expect(process.waitForExit() == 0, "\(process.stderr)")
            return (process.pid, process.stdout.split(separator: "\n").map(String.init))
        }

        /// The database's rows once `count` are there (or after 5 s).
        func rows(atLeast count: Int, filter: QueryFilter = QueryFilter()) throws -> [LoggedQuery] {
            let deadline = Date().addingTimeInterval(5)
            var rows: [LoggedQuery] = []
            repeat {
                if FileManager.default.fileExists(atPath: daemon.queryLogPath) {
                    rows = (try? QueryLogReader(path: daemon.queryLogPath).entries(filter: filter, limit: 1000)) ?? []
                    if rows.count >= count { return rows }
                }
                usleep(50_000)
            } while Date() < deadline
            return rows
        }
    }

    @Test func queriesOfTwoAppsLandInTheDatabaseWithTheirFields() throws {
        let stage = try Stage()
        let a = try stage.dig("app-a.scope", "allowed.example")
        let b = try stage.dig("app-b.scope", "allowed.example")
        let c = try stage.dig("app-a.scope", "other.example")
        #expect(a.answers == ["192.0.2.1"] && b.answers == ["0.0.0.0"] && c.answers == ["0.0.0.0"])
        let rows = try stage.rows(atLeast: 3)
        #expect(rows.count == 3, "\(rows.map(\.name)) \(stage.daemon.log.suffix(1500))")
        let byPid = Dictionary(grouping: rows, by: \.pid)
        let first = try #require(byPid[a.pid]?.first, "\(rows.map(\.pid)) vs \(a.pid)")
        #expect(first.appKey == "app-a.scope" && first.name == "allowed.example" && first.decision == .allowed)
        #expect(first.reason?.profile == "shop" && first.unit == "app-a.scope" && first.executable?.hasSuffix("dig") == true)
        #expect(first.addresses.map(\.description) == ["192.0.2.1"] && first.qtype == 1 && first.uid == 0)
        let second = try #require(byPid[b.pid]?.first)
        #expect(second.appKey == "app-b.scope" && second.name == "allowed.example" && second.decision == .blocked)
        #expect(second.reason?.kind == "profile deny" && second.reason?.profile == "browser")
        let third = try #require(byPid[c.pid]?.first)
        #expect(third.appKey == "app-a.scope" && third.name == "other.example" && third.decision == .blocked && third.reason?.kind == "mode default")
        // The reader's app filter sees the same split.
        #expect(try QueryLogReader(path: stage.daemon.queryLogPath).entries(filter: QueryFilter(app: "app-b.scope")).map(\.pid) == [b.pid])
    }

    @Test func aFollowerConnectedBeforeAQuerySeesIt() async throws {
        let stage = try Stage()
        let stream = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).follow()
        let seen = Task { () async throws -> LogRecord? in
            for try await query in stream where query.name == "followed.example" { return query }
            return nil
        }
        let asked = try stage.dig("app-b.scope", "followed.example")
        let timeout = Task {
            try await Task.sleep(for: .seconds(5))
            seen.cancel()
        }
        let query = try await seen.value
        timeout.cancel()
        let got = try #require(query, "no followed.example within 5 s: \(stage.daemon.log.suffix(1500))")
        #expect(got.pid == asked.pid && got.app == "app-b.scope" && got.decision == "allowed" && got.addresses == ["192.0.2.1"])
        #expect(got.profile == "browser" && got.registrable == "followed.example" && got.type == "A")
        let status = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).status()
        #expect(status.queries >= 1 && status.log.enabled && status.pid == stage.daemon.process.processIdentifier)
    }

    @Test func aProfileWithLogFalseIsNotLogged() throws {
        let stage = try Stage()
        try stage.dig("app-quiet.scope", "secret.example")
        try stage.dig("app-b.scope", "visible.example")
        let rows = try stage.rows(atLeast: 1)
        usleep(300_000)
        let all = try QueryLogReader(path: stage.daemon.queryLogPath).entries(limit: 100)
        #expect(rows.map(\.name).contains("visible.example"))
        #expect(!all.map(\.name).contains("secret.example"))
        let status = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).status()
        #expect(status.log.ignored == 1 && status.log.written == 1, "\(status)")
    }
}
