import Forwarder
import Logging
import NIOCore
import NIOPosix
import PinholeCore
import Reactor
import QueryLog
import ServiceLifecycle

/// pinholed: assembles the stages, binds the listeners and serves until
/// SIGTERM or SIGINT.
public enum Daemon {
    /// Runs the daemon with `config` (read from `configPath`) until a shutdown signal arrives.
    /// - Throws: `StartupError` or `ConfigError` when it cannot start.
    public static func run(config: DaemonConfig, configPath: String, logger: Logger) async throws {
        let group = MultiThreadedEventLoopGroup(numberOfThreads: System.coreCount)
        do {
            try await serve(config: config, configPath: configPath, group: group, logger: logger)
        } catch {
            try? await group.shutdownGracefully()
            throw error
        }
        try await group.shutdownGracefully()
    }

    private static func serve(
        config: DaemonConfig, configPath: String, group: MultiThreadedEventLoopGroup, logger: Logger
    ) async throws {
        let upstreams = try config.resolvedUpstreams()
        // One thread for the whole UDP data plane: client listeners and upstream queries.
        let reactor = try Reactor.start(name: "pinhole-udp")
        defer { reactor.shutdown() }
        let forwarder = try Forwarder(
            settings: config.forwarderSettings(upstreams: upstreams), group: group, reactor: reactor, logger: logger)
        let cache = DNSCache(settings: config.cacheSettings, now: MonotonicClock.milliseconds)
        let loadedPolicy = try loadPolicy(config.policy, logger: logger)
        let policy = loadedPolicy.map { PolicyStore($0.policy) }
        let enforcement = config.enforcement.enabled
            ? try EnforcementService.start(config.enforcement, table: config.enforcementTable(logger: logger), logger: logger) : nil
        let dohAddresses = try enforcement.map {
            try DoHAddressService.start(config.enforcement, listsDir: config.policy.listsDir, nft: $0.nft, logger: logger)
        }
        let governRule = CgroupGovernor.rule(config.enforcement)
        let governor = try enforcement.map { try CgroupGovernor.started(rule: governRule, pinner: $0.pinner, policy: policy, logger: logger) }
        let started = ContinuousClock.now
        let queryLog = QueryLogSetup.start(config.queryLog, logger: logger)
        let listening = config.server.listen.map(\.description).joined(separator: ", ")
        let statusLine: @Sendable () -> String = { queryLog.fanout.statusLine(listen: listening) }
        let pipeline = Pipeline.make(
            cache: cache, upstream: forwarder,
            resolver: try AttributionSetup.resolver(config: config, configPath: configPath, logger: logger),
            policy: policy,
            pinner: enforcement?.pinner,
            pinFloorSeconds: UInt32(clamping: config.enforcement.pinFloor.components.seconds),
            governRule: governRule,
            log: queryLog.fanout,
            now: MonotonicClock.nanoseconds)
        let listeners = try await DNSListeners.bind(
            settings: config.listenerSettings(configPath: configPath), pipeline: pipeline, group: group, reactor: reactor,
            logger: logger)

        // Said once the service group runs, so its SIGTERM/SIGINT handlers are in
        // place: a signal sent on "ready" always means a graceful stop; and
        // once SIGHUP is trapped (`readiness`), so it always means a reload.
        let ready: @Sendable () -> Void = {
            logger.notice(
                "pinholed \(PinholeVersion.string) ready",
                metadata: [
                    "listen": "\(config.server.listen.map(\.description).joined(separator: ","))",
                    "upstreams": "\(upstreams.servers.map(\.description).joined(separator: ","))",
                    "upstreams_from": "\(upstreams.origin)",
                    "cache_size": "\(config.cache.size)",
                ])
            SystemdNotifier.ready(status: statusLine())
        }

        // Varlink's search domains: read again at each reload.
        let search = config.varlink.enabled ? SearchDomainSource(config: config, configPath: configPath, logger: logger) : nil
        let rereadSettings: @Sendable () -> Void = { search?.reload() }
        let policyControl = loadedPolicy.flatMap { loaded in
            policy.map {
                PolicyControl(
                    settings: config.policy, store: $0, initial: loaded, logger: logger, onReload: { governor?.policyChanged() },
                    willReload: { SystemdNotifier.reloading() }, didReload: { SystemdNotifier.reloaded(status: statusLine()) },
                    rereadSettings: rereadSettings)
            }
        }
        // The SIGHUP trap of the reload service is the second part.
        let readiness = Readiness(parts: 2, whenReady: ready)
        // Varlink first: status reports whether its socket is served.
        let varlink = await VarlinkSetup.start(config, search: search, pipeline: pipeline, group: group, logger: logger)
        let control = await ControlSetup(
            config: config, upstreams: upstreams, queryLog: queryLog, cache: cache, forwarder: forwarder, policy: policyControl, started: started,
            varlinkSocket: varlink == nil ? nil : config.varlink.socket
        ).start(group: group, logger: logger)

        // Stopped in reverse order: the control socket, then the listeners
        // close before the query log flushes and the table goes.
        var members: [ServiceGroupConfiguration.ServiceConfiguration] = []
        if let writer = queryLog.writer { members.append(.init(service: QueryLogService(writer: writer, logger: logger))) }
        if let enforcement { members.append(.init(service: enforcement)) }
        if let governor { members.append(.init(service: GovernorService(governor: governor))) }
        if let dohAddresses { members.append(.init(service: dohAddresses)) }
        members.append(.init(service: ListenerService(listeners: listeners, onStart: readiness.arrive)))
        // Always: without a policy SIGHUP still must not kill pinholed.
        members.append(.init(service: PolicyReloadService(
            control: policyControl, logger: logger, status: statusLine, onTrapped: readiness.arrive, rereadSettings: rereadSettings)))
        if let varlink { members.append(.init(service: VarlinkService(server: varlink))) }
        if let control { members.append(.init(service: ControlService(server: control))) }
        // Last, so it hears of a graceful shutdown first and says STOPPING=1.
        members.append(.init(service: SystemdNotifyService(
            status: statusLine, watchdogInterval: Systemd.watchdogInterval(),
            probes: SystemdNotifyService.probes(reactor: reactor, group: group), logger: logger)))
        let services = ServiceGroup(
            configuration: ServiceGroupConfiguration(
                services: members,
                gracefulShutdownSignals: [.sigterm, .sigint],
                logger: logger))
        try await services.run()
        logger.notice("pinholed stopped", metadata: ["cache_entries": "\(cache.count)"])
    }

    /// The policy as loaded, nil when `[policy]` is off.
    /// - Throws: `StartupError.policy` with every error of the policy files.
    private static func loadPolicy(_ settings: DaemonConfig.Policy, logger: Logger) throws -> LoadedPolicy? {
        guard settings.enabled else {
            logger.notice("policy off (policy.enabled = false): every name is resolved")
            return nil
        }
        do {
            let loaded = try PolicyLoader.load(settings)
            loaded.report("policy loaded", to: logger)
            return loaded
        } catch {
            throw StartupError.policy(error)
        }
    }
}
