import DNSWire
import Logging
import NIOCore
import PinholeCore
import Reactor

/// The upstream client: forwards queries to the configured servers over UDP
/// (TCP for TCP clients and after TC=1), with a fresh random ID and source
/// port per attempt, strict reply matching, failover and timeouts.
///
/// Queries run on a `Reactor` thread: a raw connected UDP socket per
/// attempt, watched with epoll. TCP attempts use the event loops of
/// `group`. Completions are called on the reactor thread.
public final class Forwarder: Upstream {
    /// Receive buffer for upstream UDP replies. Sized for what upstreams
    /// send (we advertise 1232), not for 64 KiB; a reply that fills it is
    /// treated as truncated.
    static let udpReceiveCapacity = 4096

    let context: ForwarderContext
    let logger: Logger
    /// Whether this forwarder started the reactor (and so stops it).
    private let ownsReactor: Bool

    /// A forwarder sending to `settings.servers` on its own reactor thread,
    /// stopped when the forwarder is released; TCP runs on the loops of `group`.
    /// - Throws: `ForwarderConfigError` when a server address is not numeric,
    ///   a port is out of range or a limit is not positive; `SystemCallError`
    ///   when the reactor thread cannot be started.
    public convenience init(settings: ForwarderSettings, group: any EventLoopGroup, logger: Logger) throws {
        let addresses = try settings.validatedAddresses()
        let reactor = try Reactor.start(name: "pinhole-upstrm")
        self.init(settings: settings, addresses: addresses, group: group, reactor: reactor, ownsReactor: true, logger: logger)
    }

    /// A forwarder running its UDP queries on `reactor`, which the caller
    /// owns and stops (after the forwarder's last query); TCP runs on the
    /// loops of `group`.
    /// - Throws: `ForwarderConfigError` when a server address is not numeric,
    ///   a port is out of range or a limit is not positive.
    public convenience init(
        settings: ForwarderSettings, group: any EventLoopGroup, reactor: Reactor, logger: Logger
    ) throws {
        let addresses = try settings.validatedAddresses()
        self.init(settings: settings, addresses: addresses, group: group, reactor: reactor, ownsReactor: false, logger: logger)
    }

    private init(
        settings: ForwarderSettings, addresses: [SocketAddress], group: any EventLoopGroup, reactor: Reactor,
        ownsReactor: Bool, logger: Logger
    ) {
        self.logger = logger
        self.ownsReactor = ownsReactor
        context = ForwarderContext(
            settings: settings, addresses: addresses, group: group, reactor: reactor,
            receiveCapacity: Forwarder.udpReceiveCapacity)
    }

    /// Each server's answered/failed/timed-out attempts, last error and RTT.
    public var health: [UpstreamHealth.Snapshot] { context.health.snapshot }

    deinit {
        if ownsReactor { context.reactor.shutdown() }
    }

    /// Resolves `query` upstream (see `Upstream.resolve`): calls `completion`
    /// exactly once, on the reactor thread (or at once on refusal). Called
    /// on the reactor thread, the query starts at once, and a failure to
    /// even send may complete before this returns.
    public func resolve(
        _ query: DNSQuery, transport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    ) {
        guard !context.addresses.isEmpty else {
            completion(.failure(UpstreamError(.noServers, "no upstream servers are configured")))
            return
        }
        let limit = context.settings.maxOutstanding
        guard context.outstanding.wrappingAdd(1, ordering: .relaxed).newValue <= limit else {
            context.outstanding.wrappingSubtract(1, ordering: .relaxed)
            completion(.failure(UpstreamError(.failed, "upstream: \(limit) queries already in flight, refusing more")))
            return
        }
        let upstreamQuery = UpstreamQuery(
            context: context, query: query, clientTransport: transport, completion: completion)
        if context.reactor.isCurrentThread {
            upstreamQuery.start()
        } else if !context.reactor.execute({ upstreamQuery.start() }) {
            context.outstanding.wrappingSubtract(1, ordering: .relaxed)
            completion(.failure(UpstreamError(.failed, "upstream query abandoned: the forwarder was shut down")))
        }
    }
}
