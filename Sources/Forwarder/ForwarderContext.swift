import Glibc
import NIOCore
import NIOPosix
import Reactor
import Synchronization

/// What every query of one `Forwarder` shares: settings, server addresses,
/// the reactor, counters, and NIO's TCP bootstraps. Deliberately not the
/// `Forwarder` itself, so that in-flight queries do not keep it alive: its
/// deinit is what stops the reactor.
final class ForwarderContext: Sendable {
    let settings: ForwarderSettings
    /// Server addresses for NIO (TCP), same order as `settings.servers`.
    let addresses: [SocketAddress]
    /// The same as C socket addresses (UDP).
    let endpoints: [RawSocketAddress]
    /// "addr:port" per server, made once so the success path formats nothing.
    let serverNames: [String]
    /// Timeouts in nanoseconds, the reactor's clock unit.
    let attemptTimeout: UInt64
    let totalTimeout: UInt64
    let reactor: Reactor
    /// Scratch buffer for reading UDP replies, one at a time on the reactor thread.
    nonisolated(unsafe) let receiveBuffer: UnsafeMutableRawBufferPointer
    let queryIDs = QueryIDSource()
    let closer: DeferredSocketCloser
    /// Queries in flight (bounded by `settings.maxOutstanding`).
    let outstanding = Atomic<Int>(0)
    /// Index of the server that last answered well: the next query starts there.
    let preferredServer = Atomic<Int>(0)
    /// Per-server counters for `pinhole status`.
    let health: UpstreamHealth
    private let lanes: [Lane]
    private let nextLaneIndex = Atomic<Int>(0)

    /// One event loop and its TCP bootstrap (NIO bootstraps are not
    /// Sendable: each is used only on its own loop).
    struct Lane: Sendable {
        let loop: any EventLoop
        let bootstraps: NIOLoopBoundBox<Bootstraps>
    }

    struct Bootstraps {
        let tcp: ClientBootstrap
    }

    init(
        settings: ForwarderSettings, addresses: [SocketAddress], group: any EventLoopGroup, reactor: Reactor,
        receiveCapacity: Int
    ) {
        self.settings = settings
        self.addresses = addresses
        endpoints = addresses.map(RawSocketAddress.init)
        serverNames = settings.servers.map(\.description)
        health = UpstreamHealth(serverNames: serverNames)
        attemptTimeout = UInt64(settings.attemptTimeout.nanoseconds)
        totalTimeout = UInt64(settings.totalTimeout.nanoseconds)
        self.reactor = reactor
        closer = DeferredSocketCloser(reactor: reactor)
        receiveBuffer = .allocate(byteCount: receiveCapacity, alignment: 16)
        lanes = group.makeIterator().map { loop in
            var tcp = ClientBootstrap(group: loop)
                .connectTimeout(settings.attemptTimeout)
                .channelOption(.socketOption(.tcp_nodelay), value: 1)
            if let mark = settings.socketMark {
                tcp = tcp.channelOption(ChannelOptions.Types.SocketOption(level: SocketOptionLevel(SOL_SOCKET), name: SO_MARK), value: SocketOptionValue(mark))
            }
            return Lane(loop: loop, bootstraps: .makeBoxSendingValue(Bootstraps(tcp: tcp), eventLoop: loop))
        }
    }

    deinit {
        receiveBuffer.deallocate()
    }

    /// The event loops in turn, for TCP attempts.
    func nextLane() -> Lane {
        let turn = nextLaneIndex.wrappingAdd(1, ordering: .relaxed).oldValue
        return lanes[Int(UInt(bitPattern: turn) % UInt(lanes.count))]
    }
}
