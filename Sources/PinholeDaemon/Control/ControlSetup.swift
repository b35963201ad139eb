import Forwarder
import Logging
import NIOCore
import PinholeCore
import QueryLog

#if canImport(Glibc)
import Glibc
#endif

/// What the control socket reports on and acts through, assembled by the
/// daemon: `status` is read from these; `reload`/`allow`/`deny`/`mode` go to `policy`.
struct ControlSetup: Sendable {
    let config: DaemonConfig
    let upstreams: ResolvedUpstreams
    let queryLog: QueryLogSetup
    let cache: DNSCache
    let forwarder: Forwarder
    /// Nil when policy is off.
    let policy: PolicyControl?
    let started: ContinuousClock.Instant
    /// The varlink socket pinholed serves, nil when none (for `status`).
    var varlinkSocket: String? = nil

    /// The control socket, nil (logged) when it cannot be set up: DNS does not depend on it.
    func start(group: any EventLoopGroup, logger: Logger) async -> ControlServer? {
        let settings = config.control
        let authorization = ControlAuthorization.system(readGroup: settings.readGroup, adminGroup: settings.adminGroup)
        if let admin = settings.adminGroup, authorization.adminGroup == nil {
            logger.warning("control.admin_group \(admin) does not exist: only root may change policy")
        }
        var handlePolicy: (@Sendable (ControlProtocol.Request, PeerCredentials) -> any Encodable & Sendable)?
        if let policy = self.policy {
            handlePolicy = { request, peer in policy.handle(request, peer: peer) }
        }
        let environment = ControlHandler.Environment(
            authorization: authorization, followers: queryLog.followers, status: { self.status() },
            registrableDomain: queryLog.registrableDomain, credentials: ControlServer.peerCredentials, logger: logger,
            policy: handlePolicy)
        do {
            let server = try await ControlServer.bind(path: settings.socket, environment: environment, group: group)
            logger.info("control socket listening", metadata: ["path": "\(settings.socket)"])
            return server
        } catch {
            logger.error("\(error); pinhole status, log --follow, allow/deny/mode/reload will not work (DNS is not affected)")
            return nil
        }
    }

    /// The reply to `{"op":"status"}`.
    func status() -> ControlStatus {
        let writer = queryLog.writer
        let fanout = queryLog.fanout
        let followers = queryLog.followers
        var status = ControlStatus(
            version: PinholeVersion.string, pid: getpid(),
            uptimeSeconds: Double((ContinuousClock.now - started).components.seconds),
            queries: fanout.queries,
            log: ControlStatus.Log(enabled: writer != nil, path: writer?.path ?? "", counters: writer?.counters ?? QueryLogCounters()),
            followers: followers.followerCount, followDropped: followers.dropped)
        status.listeners = config.server.listen.map(\.description)
        status.varlink = varlinkSocket
        status.upstreams = forwarder.health.map { server in
            ControlStatus.Upstream(
                address: server.server, answered: server.answered, failed: server.failed, timeouts: server.timeouts,
                lastError: server.lastError, rttMilliseconds: server.rttMicroseconds.map { Double($0) / 1000 })
        }
        status.upstreamsFrom = upstreams.origin
        if let policy {
            let last = policy.lastLoad
            status.policy = ControlStatus.Policy(
                enabled: true, loadedAt: last.at, ok: last.ok, errors: last.errors, profiles: last.profiles, lists: last.lists,
                warnings: last.warnings)
        } else {
            status.policy = ControlStatus.Policy(enabled: false, loadedAt: nil, ok: true, errors: [], profiles: 0, lists: [], warnings: [])
        }
        let statistics = cache.statistics
        status.cache = ControlStatus.Cache(
            entries: cache.count, capacity: config.cache.size, hits: statistics.hits, misses: statistics.misses,
            staleHits: statistics.staleHits)
        status.counters = ControlStatus.Counters(blocked: fanout.blocked, attributed: fanout.attributed, unknown: fanout.unknown)
        return status
    }
}
