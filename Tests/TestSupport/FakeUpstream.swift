import DNSWire

/// A scriptable DNS server on loopback for tests: UDP and TCP on one port,
/// every query handed to `handler`, which says what to send back.
///
/// ```swift
/// let upstream = try FakeUpstream(handler: FakeUpstream.answering { q in [.a("example.com", "192.0.2.1", ttl: 60)] })
/// defer { upstream.stop() }
/// ```
public final class FakeUpstream: @unchecked Sendable {
    private let server: FakeUpstreamServer

    /// Binds UDP and TCP on `address`:`port` (port 0: a free port, the same
    /// for both) and starts serving on threads of its own.
    /// - Throws: `SocketError` naming the call that failed.
    public init(
        address: String = "127.0.0.1", port: UInt16 = 0,
        handler: @escaping @Sendable (FakeUpstream.Request) -> FakeUpstream.Action
    ) throws {
        server = try FakeUpstreamServer(address: address, port: port, handler: handler)
    }

    deinit { server.stop() }

    /// The bound port, the same for UDP and TCP.
    public var port: UInt16 { server.port }
    /// The numeric address the server listens on.
    public var address: String { server.address }
    /// Queries received over UDP so far.
    public var udpQueryCount: Int { server.udpQueryCount }
    /// Queries received over TCP so far.
    public var tcpQueryCount: Int { server.tcpQueryCount }
    /// Every query's bytes as received (TCP without the length prefix), in order.
    public var receivedQueries: [[UInt8]] { server.receivedQueries }
    /// The source port of every query, in the order of `receivedQueries`.
    public var receivedFrom: [UInt16] { server.receivedFrom }

    /// Stops serving: wakes and joins every thread, closes every socket.
    /// Idempotent; also done by deinit.
    public func stop() { server.stop() }
}
