import DNSWire
import Foundation
import PinholeCore
@testable import QueryLog

/// A directory under /tmp removed when the value goes away.
final class TemporaryDirectory {
    let path: String

    init() {
        var template = Array("/tmp/querylog-test-XXXXXX".utf8CString)
        path = String(cString: mkdtemp(&template)!)
    }

    var database: String { path + "/queries.sqlite" }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Entries and settings the tests feed the writer.
enum LogFixtures {
    /// 2026-11-26 12:00:00 UTC.
    static let noon: Int64 = 1_795_694_400_000

    /// The last two labels: good enough a registrable domain for the tests' names.
    @Sendable static func lastTwoLabels(_ name: String) -> String? {
        let labels = name.split(separator: ".")
        return labels.count <= 2 ? name : labels.suffix(2).joined(separator: ".")
    }

    static func identity(
        key: String = "app-firefox.scope", pid: Int32 = 4242, uid: UInt32 = 1000, userName: String? = "alice",
        executable: String = "/usr/lib/firefox/firefox", unit: String? = "user@1000.service", userUnit: String? = "app-firefox-1234.scope"
    ) -> AppIdentity {
        AppIdentity(
            key: key, pid: pid, startTime: 777, executable: executable, executableState: .present,
            commandLine: [executable, "--new-window", "a b"], ancestors: [ProcessAncestor(pid: 1, name: "systemd")],
            uid: uid, userName: userName, cgroupPath: "/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1234.scope",
            unit: unit, userUnit: userUnit, slice: "app.slice", flatpakID: nil, snapName: nil)
    }

    static func entry(
        _ name: String = "www.example.com", type: UInt16 = DNSType.a, app: AppIdentity? = identity(),
        transport: ClientTransport = .udp, rcode: UInt16 = 0, source: AnswerSource = .upstream("192.0.2.53:53"),
        decision: PolicyDecision? = nil, facts: AnswerFacts? = nil, latencyNanoseconds: UInt64 = 1_500_000
    ) throws -> QueryLogEntry {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: name, type: type))
        var request = QueryRequest(query: query, transport: transport, client: ClientEndpoint(address: "127.0.0.1", port: 40000))
        request.attribution = app.map { .attributed($0, socket: SocketOwner(uid: $0.uid, inode: 1, cgroupID: 2)) }
            ?? .unknown(.exited, socket: SocketOwner(uid: 1001, inode: 1, cgroupID: 2))
        return QueryLogEntry(
            request: request, rcode: rcode, source: source, latencyNanoseconds: latencyNanoseconds, decision: decision,
            answerFacts: facts ?? AnswerFacts(addresses: [IPAddress("192.0.2.1")!]))
    }

    static func blocked(rule: String = "||ads.example^", list: String = "ads") -> PolicyDecision {
        PolicyDecision(
            allowed: false, profile: "firefox", mode: .blockListed,
            reason: .rule(RuleHit(kind: .listBlock, rule: rule, source: RuleSource(file: "/etc/pinhole/lists/\(list).txt", line: 12, list: list))),
            reply: .nxdomain, considered: [])
    }

    static func allowed() -> PolicyDecision {
        PolicyDecision(allowed: true, profile: "firefox", mode: .blockListed, reason: .modeDefault(.blockListed), reply: .nxdomain, considered: [])
    }

    /// Settings with a fixed clock and quick batches.
    static func settings(clock: @escaping @Sendable () -> Int64 = { noon }) -> QueryLogSettings {
        var settings = QueryLogSettings()
        settings.batchInterval = .milliseconds(20)
        settings.clock = clock
        // Tests that expect errors set their own; elsewhere one is worth seeing.
        settings.onError = { print("unexpected query-log error:", $0) }
        return settings
    }

    static func writer(_ directory: TemporaryDirectory, _ settings: QueryLogSettings = settings()) -> QueryLogWriter {
        QueryLogWriter(path: directory.database, settings: settings, registrableDomain: lastTwoLabels)
    }
}

/// Polls `condition` until it holds or `seconds` pass.
func eventually(seconds: Double = 5, _ condition: () -> Bool) -> Bool {
    let deadline = Date(timeIntervalSinceNow: seconds)
    while Date() < deadline {
        if condition() { return true }
        usleep(5_000)
    }
    return condition()
}
