import Enforcement
import Foundation
import PinholeDaemon

/// What `pinhole status --json` prints: the kernel's enforcement (`apps`,
/// `totals`, as `EnforcementStatus` encodes them; empty when there is no
/// table) and the daemon's own report over the control socket (`daemon`),
/// each with the reason when it could not be read.
struct StatusReport: Encodable {
    var enforcement: EnforcementStatus?
    /// Why the kernel's table could not be read (none: enforcement off or pinholed down).
    var enforcementError: String?
    var daemon: ControlStatus?
    /// Why the control socket did not answer.
    var daemonError: String?

    enum CodingKeys: String, CodingKey { case apps, totals, enforcement, enforcementError = "enforcement_error", daemon, daemonError = "daemon_error" }

    func encode(to encoder: any Encoder) throws {
        var container = encoder.container(keyedBy: CodingKeys.self)
        try container.encode(enforcement?.apps ?? [], forKey: .apps)
        try container.encode(enforcement?.totals ?? EnforcementStatus.Totals(), forKey: .totals)
        try container.encode(enforcement != nil, forKey: .enforcement)
        try container.encodeIfPresent(enforcementError, forKey: .enforcementError)
        try container.encodeIfPresent(daemon, forKey: .daemon)
        try container.encodeIfPresent(daemonError, forKey: .daemonError)
    }

    /// The daemon's lines of the human form.
    var daemonText: String {
        guard let daemon else {
            if let daemonError, daemonError.hasSuffix(": permission denied") {
                return "pinholed: \(daemonError) (root, group pinhole or control.read_group may read)\n"
            }
            return "pinholed: not reachable (\(daemonError ?? "unknown")): is it running?\n"
        }
        let uptime = Int(daemon.uptimeSeconds)
        var text = "pinholed \(daemon.version), pid \(daemon.pid), up \(uptime / 3600)h \(uptime / 60 % 60)m \(uptime % 60)s, \(daemon.queries) queries answered\n"
        let log = daemon.log
        text += log.enabled
            ? "query log \(log.path): \(log.written) written, \(log.dropped) dropped, \(log.failed) failed, \(log.ignored) ignored, \(log.queued) queued\n"
            : "query log: off\n"
        if daemon.followers > 0 || daemon.followDropped > 0 {
            text += "followers: \(daemon.followers) (\(daemon.followDropped) entries lost to slow readers)\n"
        }
        if let listeners = daemon.listeners {
            let varlink = daemon.varlink.map { ["varlink \($0)"] } ?? []
            text += "listening: \((listeners + varlink).joined(separator: ", "))\n"
        }
        if let upstreams = daemon.upstreams {
            text += "upstreams: \(upstreams.map(\.address).joined(separator: ", "))\(daemon.upstreamsFrom.map { " (from \($0))" } ?? "")\n"
            for upstream in upstreams { text += "  " + Self.upstreamText(upstream) + "\n" }
        }
        if let policy = daemon.policy { text += Self.policyText(policy) }
        if let cache = daemon.cache {
            let rate = cache.hitPercent.map { String(format: "%.1f%% hits", $0) } ?? "no lookups yet"
            text += "cache: \(cache.entries)/\(cache.capacity) entries, \(rate) (\(cache.hits) hits, \(cache.misses) misses, \(cache.staleHits) stale)\n"
        }
        if let counters = daemon.counters {
            text += "queries: \(daemon.queries) answered, \(counters.blocked) blocked (\(Self.percent(counters.blocked, of: daemon.queries))), "
                + "\(Self.percent(counters.attributed, of: daemon.queries)) attributed, \(Self.percent(counters.unknown, of: daemon.queries)) unknown app\n"
        }
        return text
    }

    /// "policy: 4 profiles, 1 list (ads), loaded 12:01:02" and the last reload's errors.
    static func policyText(_ policy: ControlStatus.Policy) -> String {
        guard policy.enabled else { return "policy: off (every name is resolved)\n" }
        let when = policy.loadedAt.map { " at " + Self.time($0) } ?? ""
        let lists = policy.lists.isEmpty ? "no lists" : "\(policy.lists.count) list\(policy.lists.count == 1 ? "" : "s") (\(policy.lists.joined(separator: ", ")))"
        var text = "policy: \(policy.profiles) profile\(policy.profiles == 1 ? "" : "s"), \(lists)"
        text += policy.ok ? ", loaded\(when)\n" : "; the last reload\(when) FAILED, the policy before it stays in force:\n"
        for error in policy.errors { text += "  \(error)\n" }
        for warning in policy.warnings { text += "  warning: \(warning)\n" }
        return text
    }

    /// "127.0.0.2:53: 120 answered, 1 failed, 0 timed out, rtt 1.2 ms; last error: …".
    static func upstreamText(_ upstream: ControlStatus.Upstream) -> String {
        var text = "\(upstream.address): \(upstream.answered) answered, \(upstream.failed) failed, \(upstream.timeouts) timed out"
        if let rtt = upstream.rttMilliseconds { text += String(format: ", rtt %.1f ms", rtt) }
        if let error = upstream.lastError { text += "; last error: \(error)" }
        return text
    }

    static func percent(_ part: UInt64, of whole: UInt64) -> String {
        whole == 0 ? "0%" : String(format: "%.1f%%", Double(part) * 100 / Double(whole))
    }

    /// Local "YYYY-MM-DD HH:MM:SS" of wall-clock milliseconds.
    static func time(_ milliseconds: Int64) -> String {
        let formatter = DateFormatter()
        formatter.dateFormat = "yyyy-MM-dd HH:mm:ss"
        return formatter.string(from: Date(timeIntervalSince1970: Double(milliseconds) / 1000))
    }
}
