import DNSWire
import Logging
import NIOCore
import NIOPosix
import PinholeCore
import Synchronization

/// The upstream client: forwards queries to the configured servers over UDP
/// (TCP for TCP clients and after TC=1), with a fresh random ID and source
/// port per attempt, strict reply matching, failover and timeouts.
///
/// Each query lives on one event loop of `group` (the caller's when it runs
/// on one, so no hop), and all its state is touched only there.
public final class Forwarder: Upstream {
    /// Receive buffer of a per-query UDP socket. Each query gets a fresh
    /// buffer, so it is sized for what upstreams send (we advertise 1232),
    /// not for 64 KiB; a reply that fills it is treated as truncated.
    static let udpReceiveCapacity = 4096

    let settings: ForwarderSettings
    let logger: Logger
    /// Resolved server addresses, same order as `settings.servers`.
    let addresses: [SocketAddress]
    /// "addr:port" per server, made once so the success path formats nothing.
    let serverNames: [String]
    /// One loop's bootstraps; shared by every query on that loop.
    let lanes: [Lane]
    private let laneByLoop: [ObjectIdentifier: Int]
    private let nextLane = Atomic<Int>(0)
    /// Queries in flight (bounded by `settings.maxOutstanding`).
    let outstanding = Atomic<Int>(0)
    /// Index of the server that last answered well: the next query starts there.
    let preferredServer = Atomic<Int>(0)

    /// One event loop and its bootstraps (NIO bootstraps are not Sendable:
    /// each is used only on its own loop).
    struct Lane: Sendable {
        let loop: any EventLoop
        let bootstraps: NIOLoopBoundBox<Bootstraps>
    }

    struct Bootstraps {
        let udp: DatagramBootstrap
        let tcp: ClientBootstrap
    }

    /// A forwarder sending to `settings.servers` on the loops of `group`.
    /// - Throws: `ForwarderConfigError` when a server address is not numeric,
    ///   a port is out of range or a limit is not positive.
    public init(settings: ForwarderSettings, group: any EventLoopGroup, logger: Logger) throws {
        self.settings = settings
        self.logger = logger
        addresses = try settings.validatedAddresses()
        serverNames = settings.servers.map(\.description)
        var lanes: [Lane] = []
        var laneByLoop: [ObjectIdentifier: Int] = [:]
        for loop in group.makeIterator() {
            laneByLoop[ObjectIdentifier(loop)] = lanes.count
            // Replies larger than the advertised size are a server bug, but
            // must not be cut short by the read buffer (NIO's default is 2048).
            let udp = DatagramBootstrap(group: loop)
                .channelOption(.recvAllocator, value: FixedSizeRecvByteBufferAllocator(capacity: Forwarder.udpReceiveCapacity))
            let tcp = ClientBootstrap(group: loop)
                .connectTimeout(settings.attemptTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
            let box = NIOLoopBoundBox.makeBoxSendingValue(Bootstraps(udp: udp, tcp: tcp), eventLoop: loop)
            lanes.append(Lane(loop: loop, bootstraps: box))
        }
        self.lanes = lanes
        self.laneByLoop = laneByLoop
    }

    /// Resolves `query` upstream (see `Upstream.resolve`): calls `completion`
    /// exactly once, on one of the group's event loops.
    public func resolve(
        _ query: DNSQuery, transport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    ) {
        guard !addresses.isEmpty else {
            completion(.failure(UpstreamError(.noServers, "no upstream servers are configured")))
            return
        }
        let inFlight = outstanding.wrappingAdd(1, ordering: .relaxed).newValue
        guard inFlight <= settings.maxOutstanding else {
            outstanding.wrappingSubtract(1, ordering: .relaxed)
            completion(.failure(UpstreamError(
                .failed, "upstream: \(settings.maxOutstanding) queries already in flight, refusing more")))
            return
        }
        let lane = currentLane()
        let upstreamQuery = UpstreamQuery(
            forwarder: self, lane: lane, query: query, clientTransport: transport, completion: completion)
        if lane.loop.inEventLoop {
            upstreamQuery.start()
        } else {
            lane.loop.execute { upstreamQuery.start() }
        }
    }

    /// The caller's own loop when it runs on one of ours, else the next in turn.
    private func currentLane() -> Lane {
        if let loop = MultiThreadedEventLoopGroup.currentEventLoop,
           let index = laneByLoop[ObjectIdentifier(loop)] {
            return lanes[index]
        }
        let turn = nextLane.wrappingAdd(1, ordering: .relaxed).oldValue
        return lanes[Int(UInt(bitPattern: turn) % UInt(lanes.count))]
    }
}
