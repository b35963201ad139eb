import DNSWire
import Foundation
import PinholeCore
import QueryLog

/// A directory under /tmp (with a config, lists and profiles folder when
/// asked) removed when the value goes away.
final class ScratchDirectory {
    let path: String

    init() {
        var template = Array("/tmp/logview-test-XXXXXX".utf8CString)
        path = String(decoding: template.withUnsafeMutableBufferPointer { buffer in
            let made = mkdtemp(buffer.baseAddress!)!
            return Array(UnsafeBufferPointer(start: made, count: strlen(made))).map { UInt8(bitPattern: $0) }
        }, as: UTF8.self)
    }

    var database: String { path + "/queries.sqlite" }
    var profiles: String { path + "/apps.d" }
    var lists: String { path + "/lists" }
    var config: String { path + "/pinhole.toml" }

    /// A config whose profiles and lists are here, and one list: `ads.txt`
    /// (category ads-trackers) blocking tracker.example.net.
    func writePolicy() throws {
        try FileManager.default.createDirectory(atPath: profiles, withIntermediateDirectories: true)
        try FileManager.default.createDirectory(atPath: lists, withIntermediateDirectories: true)
        try "# Category: ads-trackers\ntracker.example.net\n".write(toFile: lists + "/ads.txt", atomically: true, encoding: .utf8)
        try """
            [policy]
            profiles_dir = "\(profiles)"
            lists_dir = "\(lists)"
            """.write(toFile: config, atomically: true, encoding: .utf8)
    }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}

/// Entries written through the real `QueryLogWriter`.
enum LogViewFixtures {
    /// The last two labels: the tests' names' registrable domain.
    @Sendable static func lastTwoLabels(_ name: String) -> String? {
        let labels = name.split(separator: ".")
        return labels.count <= 2 ? name : labels.suffix(2).joined(separator: ".")
    }

    static func identity(key: String, pid: Int32, unit: String, executable: String, uid: UInt32 = 1000, user: String = "alice") -> AppIdentity {
        AppIdentity(
            key: key, pid: pid, startTime: 1, executable: executable, executableState: .present, commandLine: [executable],
            ancestors: [], uid: uid, userName: user, cgroupPath: "/system.slice/\(unit)", unit: unit, userUnit: nil, slice: "system.slice",
            flatpakID: nil, snapName: nil)
    }

    static let curl = identity(key: "curl-job.service", pid: 4242, unit: "curl-job.service", executable: "/usr/bin/curl")
    static let backup = identity(key: "backup.service", pid: 777, unit: "backup.service", executable: "/usr/bin/restic", uid: 0, user: "root")

    static func entry(_ name: String, type: UInt16 = DNSType.a, app: AppIdentity, decision: PolicyDecision?) throws -> QueryLogEntry {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: name, type: type))
        var request = QueryRequest(query: query, transport: .udp, client: ClientEndpoint(address: "127.0.0.1", port: 40000))
        request.attribution = .attributed(app, socket: SocketOwner(uid: app.uid, inode: 1, cgroupID: 2))
        return QueryLogEntry(
            request: request, rcode: decision?.allowed == false ? 3 : 0, source: .upstream("192.0.2.53:53"), latencyNanoseconds: 1_200_000,
            decision: decision, answerFacts: AnswerFacts(addresses: decision?.allowed == false ? [] : [IPAddress("192.0.2.1")!]))
    }

    static func blocked(_ rule: String, list: String = "ads") -> PolicyDecision {
        PolicyDecision(
            allowed: false, profile: "default", mode: .blockListed,
            reason: .rule(RuleHit(kind: .listBlock, rule: rule, source: RuleSource(file: "/etc/pinhole/lists/\(list).txt", line: 3, list: list))),
            reply: .nxdomain, considered: [])
    }

    static let allowed = PolicyDecision(
        allowed: true, profile: "default", mode: .learn, reason: .modeDefault(.learn), reply: .nxdomain, considered: [])

    /// Writes a small log stamped relative to `now`: curl-job (allowed and
    /// blocked, one two hours old) and backup; closes the writer (all committed).
    static func fill(_ path: String, now: Int64) throws {
        let writer = QueryLogWriter(path: path, registrableDomain: lastTwoLabels)
        let minute: Int64 = 60_000
        writer.record(try entry("old.example.org", app: curl, decision: allowed), atMilliseconds: now - 120 * minute)
        writer.record(try entry("api.example.com", app: curl, decision: allowed), atMilliseconds: now - 30 * minute)
        writer.record(try entry("www.example.com", type: DNSType.aaaa, app: curl, decision: allowed), atMilliseconds: now - 20 * minute)
        writer.record(try entry("tracker.example.net", app: curl, decision: blocked("tracker.example.net")), atMilliseconds: now - 10 * minute)
        writer.record(try entry("repo.backup.test", app: backup, decision: allowed), atMilliseconds: now - 5 * minute)
        writer.close()
    }

    static var now: Int64 { QueryLogSettings.wallClockMilliseconds() }
}
