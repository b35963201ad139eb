import Logging
import NIOCore
import NIOExtras
import NIOPosix
import PinholeCore
import Reactor

/// The bound UDP and TCP sockets pinholed answers on: UDP on the reactor
/// thread (beside the upstream queries), TCP on NIO's event loops.
final class DNSListeners: Sendable {
    let udp: [UDPListener]
    let channels: [any Channel]

    private init(udp: [UDPListener], channels: [any Channel]) {
        self.udp = udp
        self.channels = channels
    }

    /// Binds every configured address on UDP (served on `reactor`) and TCP
    /// (on `group`); on any failure closes what was bound and throws a
    /// `StartupError` naming the address and, when the port is taken, the
    /// process holding it.
    static func bind(
        settings: ListenerSettings, pipeline: any QueryHandler, group: any EventLoopGroup, reactor: Reactor,
        logger: Logger
    ) async throws -> DNSListeners {
        var udp: [UDPListener] = []
        var bound: [any Channel] = []
        let limiter = ConnectionLimiter(limit: settings.maxTCPConnections)
        do {
            for address in settings.addresses {
                udp.append(
                    try await UDPListener.bind(
                        address, settings: settings, pipeline: pipeline, reactor: reactor, logger: logger))
                bound.append(
                    try await bindTCP(
                        address, settings: settings, limiter: limiter, pipeline: pipeline, group: group, logger: logger))
            }
        } catch {
            for listener in udp { await listener.close() }
            for channel in bound { try? await channel.close() }
            throw error
        }
        return DNSListeners(udp: udp, channels: bound)
    }

    /// Closes every listening socket.
    func close() async {
        for listener in udp { await listener.close() }
        for channel in channels { try? await channel.close() }
    }

    private static func bindTCP(
        _ address: SocketAddressText, settings: ListenerSettings, limiter: ConnectionLimiter, pipeline: any QueryHandler,
        group: any EventLoopGroup, logger: Logger
    ) async throws -> any Channel {
        let idle = settings.tcpIdleTimeout
        let bootstrap = ServerBootstrap(group: group)
            .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
            .serverChannelOption(.backlog, value: 256)
            .childChannelOption(.allowRemoteHalfClosure, value: true)
            .childChannelOption(.socketOption(.tcp_nodelay), value: 1)
            .childChannelInitializer { channel in
                guard limiter.acquire() else {
                    logger.warning(
                        "TCP connection refused: limit reached",
                        metadata: ["limit": "\(limiter.limit)", "client": "\(channel.remoteAddress.map { "\($0)" } ?? "?")"])
                    return channel.close()
                }
                channel.closeFuture.whenComplete { _ in limiter.release() }
                return channel.eventLoop.makeCompletedFuture {
                    let sync = channel.pipeline.syncOperations
                    try sync.addHandler(IdleStateHandler(readTimeout: idle))
                    try sync.addHandler(ByteToMessageHandler(LengthFieldBasedFrameDecoder(lengthFieldBitLength: .twoBytes)))
                    try sync.addHandler(LengthFieldPrepender(lengthFieldBitLength: .twoBytes))
                    try sync.addHandler(
                        TCPQueryHandler(pipeline: pipeline, maxOutstanding: settings.maxOutstandingPerClient, logger: logger))
                }
            }
        do {
            return try await bootstrap.bind(host: address.host, port: address.port).get()
        } catch {
            throw StartupError.bind(address: address, transport: .tcp, error: error, configPath: settings.configPath)
        }
    }
}
