import DNSWire
import Logging
import NIOCore
import PinholeCore

/// The upstream client: forwards queries to the configured servers over UDP
/// (TCP for TCP clients and after TC=1), with a fresh random ID and source
/// port per attempt, strict reply matching, failover and timeouts.
///
/// Queries run on one dedicated reactor thread (`UpstreamReactor`): a raw
/// connected UDP socket per attempt, watched with epoll. TCP attempts use
/// the event loops of `group`. Completions are called on the reactor thread.
public final class Forwarder: Upstream {
    /// Receive buffer for upstream UDP replies. Sized for what upstreams
    /// send (we advertise 1232), not for 64 KiB; a reply that fills it is
    /// treated as truncated.
    static let udpReceiveCapacity = 4096

    let context: ForwarderContext
    let logger: Logger

    /// A forwarder sending to `settings.servers`; TCP runs on the loops of `group`.
    /// - Throws: `ForwarderConfigError` when a server address is not numeric,
    ///   a port is out of range or a limit is not positive; `SystemCallError`
    ///   when the reactor thread cannot be started.
    public init(settings: ForwarderSettings, group: any EventLoopGroup, logger: Logger) throws {
        self.logger = logger
        let addresses = try settings.validatedAddresses()
        let reactor = try UpstreamReactor.start(receiveCapacity: Forwarder.udpReceiveCapacity)
        context = ForwarderContext(settings: settings, addresses: addresses, group: group, reactor: reactor)
    }

    deinit {
        context.reactor.shutdown()
    }

    /// Resolves `query` upstream (see `Upstream.resolve`): calls `completion`
    /// exactly once, on the reactor thread (or at once on refusal).
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
        context.reactor.execute { upstreamQuery.start() }
    }
}
