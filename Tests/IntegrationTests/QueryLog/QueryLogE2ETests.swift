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
    /// Three apps: app-a enforce (allowed.example), app-b block-listed (denies it), app-quiet not logged.
    static func stage() throws -> QueryLogStage {
        try QueryLogStage(profiles: [
            "shop.toml": "mode = \"enforce\"\nallow = [\"allowed.example\"]\n[match]\nunit = \"app-a.scope\"\n",
            "browser.toml": "mode = \"block-listed\"\ndeny = [\"allowed.example\"]\n[match]\nunit = \"app-b.scope\"\n",
            "quiet.toml": "log = false\n[match]\nunit = \"app-quiet.scope\"\n",
        ])
    }

    @Test func queriesOfTwoAppsLandInTheDatabaseWithTheirFields() throws {
        let stage = try Self.stage()
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
        let stage = try Self.stage()
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
        let stage = try Self.stage()
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
