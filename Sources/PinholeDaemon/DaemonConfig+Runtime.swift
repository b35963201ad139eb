import Forwarder
import NIOCore
import PinholeCore

/// The settings each part of the daemon takes, derived from the file's.
extension DaemonConfig {
    var cacheSettings: CacheSettings {
        CacheSettings(
            maxEntries: cache.size, minTTL: UInt32(cache.minTTL), maxTTL: UInt32(cache.maxTTL),
            negativeMaxTTL: UInt32(cache.negativeMaxTTL), serveStale: cache.serveStale,
            staleMaxAge: UInt32(clamping: cache.staleMaxAge.components.seconds))
    }

    func forwarderSettings(upstreams: ResolvedUpstreams) -> ForwarderSettings {
        ForwarderSettings(
            servers: upstreams.servers.map { UpstreamServer(address: $0.host, port: $0.port) },
            attemptTimeout: TimeAmount(upstream.attemptTimeout),
            totalTimeout: TimeAmount(upstream.timeout),
            // Marked only under enforcement: SO_MARK needs CAP_NET_ADMIN, which nothing else needs.
            socketMark: enforcement.enabled ? enforcement.mark : nil)
    }

    func listenerSettings(configPath: String) -> ListenerSettings {
        ListenerSettings(
            addresses: server.listen,
            tcpIdleTimeout: TimeAmount(tcp.idleTimeout),
            maxTCPConnections: tcp.maxConnections,
            maxOutstandingPerClient: tcp.maxOutstandingPerClient,
            configPath: configPath)
    }

    /// The effective settings, one `key = value` line each, for `--check-config`.
    public func summary() throws -> String {
        let upstreams = try resolvedUpstreams()
        let search = searchDomains().domains
        let searchOrigin = !upstream.search.isEmpty ? "upstream.search" : upstream.resolvConf
        func list<T: CustomStringConvertible>(_ values: [T]) -> String {
            "[" + values.map { "\"\($0)\"" }.joined(separator: ", ") + "]"
        }
        return """
            server.listen = \(list(server.listen))
            upstream.servers = \(list(upstreams.servers))  # from \(upstreams.origin)
            upstream.attempt_timeout = "\(upstream.attemptTimeout)"
            upstream.timeout = "\(upstream.timeout)"
            upstream.search = \(list(search))  # from \(searchOrigin); io.systemd.Resolve only
            cache.size = \(cache.size)
            cache.min_ttl = \(cache.minTTL)
            cache.max_ttl = \(cache.maxTTL)
            cache.negative_max_ttl = \(cache.negativeMaxTTL)
            cache.serve_stale = \(cache.serveStale)
            cache.stale_max_age = "\(cache.staleMaxAge)"
            tcp.idle_timeout = "\(tcp.idleTimeout)"
            tcp.max_connections = \(tcp.maxConnections)
            tcp.max_outstanding_per_client = \(tcp.maxOutstandingPerClient)
            attribution.enabled = \(attribution.enabled)
            policy.enabled = \(policy.enabled)
            policy.profiles_dir = "\(policy.profilesDir)"
            policy.lists_dir = "\(policy.listsDir)"
            policy.block_reply = "\(policy.blockReply.rawValue)"
            policy.block_ttl = \(policy.blockTTL)
            policy.canaries = \(policy.canaries)
            policy.resolver_discovery = \(policy.resolverDiscovery)
            enforcement.enabled = \(enforcement.enabled)
            enforcement.pin_floor = "\(DurationText.format(enforcement.pinFloor))"
            enforcement.fail_closed = \(enforcement.failClosed)
            enforcement.enforce_unprofiled = \(enforcement.enforceUnprofiled)
            enforcement.exempt = [\(enforcement.exempt.map { "\"\($0.pattern)\"" }.joined(separator: ", "))]
            enforcement.capture_dns = \(enforcement.captureDNS)
            enforcement.mark = 0x\(String(enforcement.mark, radix: 16))
            enforcement.doh_addresses = \(enforcement.dohAddressesSummary(listsDir: policy.listsDir))
            log.level = "\(log.level)"
            log.target = "\(log.target.rawValue)"
            querylog.enabled = \(queryLog.enabled)
            querylog.path = "\(queryLog.path)"
            querylog.max_age = \(queryLog.maxAge.map { "\"\(DurationText.format($0))\"" } ?? "false")
            querylog.max_size = \(queryLog.maxSize.map { "\"\(ByteSizeText.format($0))\"" } ?? "false")
            querylog.batch_interval = "\(DurationText.format(queryLog.batchInterval))"
            querylog.batch_size = \(queryLog.batchSize)
            querylog.queue = \(queryLog.queue)
            querylog.ignore_names = \(list(queryLog.ignoreNames.map(\.pattern)))
            querylog.ignore_apps = \(list(queryLog.ignoreApps.map(\.pattern)))
            control.socket = "\(control.socket)"
            varlink.enabled = \(varlink.enabled)
            varlink.socket = "\(varlink.socket)"
            """
    }
}

extension TimeAmount {
    /// The same span in NIO's unit (nanoseconds, saturating).
    init(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self = .nanoseconds(seconds.multipliedReportingOverflow(by: 1_000_000_000).overflow
            ? .max : seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
    }
}
