import Forwarder
import Logging
import NIOCore
import NIOPosix
import PinholeCore
import ServiceLifecycle

/// pinholed: assembles the stages, binds the listeners and serves until
/// SIGTERM or SIGINT.
public enum Daemon {
    /// Runs the daemon with `config` until a shutdown signal arrives.
    /// - Throws: `StartupError` (or a configuration error) when it cannot start.
    public static func run(config: DaemonConfig, logger: Logger) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            try await serve(config: config, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private static func serve(config: DaemonConfig, group: MultiThreadedEventLoopGroup, logger: Logger) async throws {
        let upstreams = try config.resolvedUpstreams()
        let forwarder = Forwarder(
            settings: ForwarderSettings(
                servers: upstreams.map { UpstreamServer(address: $0.host, port: $0.port) },
                attemptTimeout: .milliseconds(config.upstream.attemptTimeoutMilliseconds),
                totalTimeout: .milliseconds(config.upstream.timeoutMilliseconds)),
            group: group, logger: logger)
        let cache = DNSCache(settings: config.cache.settings, now: MonotonicClock.milliseconds)
        let pipeline = Pipeline.make(cache: cache, upstream: forwarder)

        let listeners = try await DNSListeners.bind(
            settings: ListenerSettings(
                addresses: config.server.listen.map { (host: $0.host, port: $0.port) },
                tcpIdleTimeoutMilliseconds: config.tcp.idleTimeoutMilliseconds,
                maxTCPConnections: config.tcp.maxConnections,
                maxOutstandingPerClient: config.tcp.maxOutstandingPerClient,
                configHint: "change server.listen in \(config.sourcePath) or pass --listen"),
            pipeline: pipeline, group: group, logger: logger)

        logger.notice(
            "pinholed \(PinholeVersion.string) ready",
            metadata: [
                "listen": "\(config.server.listen.map(\.description).joined(separator: ","))",
                "upstreams": "\(upstreams.map(\.description).joined(separator: ","))",
                "cache_size": "\(config.cache.settings.maxEntries)",
            ])

        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: [.init(service: ListenerService(listeners: listeners))],
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await services.run()
        logger.notice("pinholed stopped")
    }
}
