import Enforcement
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
        guard let daemon else { return "pinholed: not reachable (\(daemonError ?? "unknown")): is it running?\n" }
        let uptime = Int(daemon.uptimeSeconds)
        var text = "pinholed \(daemon.version), pid \(daemon.pid), up \(uptime / 3600)h \(uptime / 60 % 60)m \(uptime % 60)s, \(daemon.queries) queries answered\n"
        let log = daemon.log
        text += log.enabled
            ? "query log \(log.path): \(log.written) written, \(log.dropped) dropped, \(log.failed) failed, \(log.ignored) ignored, \(log.queued) queued\n"
            : "query log: off\n"
        if daemon.followers > 0 || daemon.followDropped > 0 {
            text += "followers: \(daemon.followers) (\(daemon.followDropped) entries lost to slow readers)\n"
        }
        return text
    }
}
