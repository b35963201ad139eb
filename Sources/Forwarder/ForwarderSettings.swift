import NIOCore

/// How the forwarder talks to its upstream servers.
public struct ForwarderSettings: Sendable, Hashable {
    /// Servers in order of preference.
    public var servers: [UpstreamServer]
    /// How long to wait for one server before trying the next.
    public var attemptTimeout: TimeAmount
    /// The whole budget for one query, all attempts included: past it the
    /// query fails with `.timeout` (and the client gets SERVFAIL).
    public var totalTimeout: TimeAmount
    /// The EDNS UDP payload size put in forwarded queries that carry OPT.
    public var advertisedPayloadSize: UInt16
    /// Queries in flight at most; beyond it new queries fail at once.
    public var maxOutstanding: Int
    /// SO_MARK put on every upstream socket (UDP and TCP), so the
    /// enforcement table tells pinholed's own queries from redirected ones;
    /// nil sets none. Setting a mark needs CAP_NET_ADMIN.
    public var socketMark: UInt32?

    public init(
        servers: [UpstreamServer],
        attemptTimeout: TimeAmount = .milliseconds(800),
        totalTimeout: TimeAmount = .seconds(2),
        advertisedPayloadSize: UInt16 = 1232,
        maxOutstanding: Int = 4096,
        socketMark: UInt32? = nil
    ) {
        self.servers = servers
        self.attemptTimeout = attemptTimeout
        self.totalTimeout = totalTimeout
        self.advertisedPayloadSize = advertisedPayloadSize
        self.maxOutstanding = maxOutstanding
        self.socketMark = socketMark
    }

    /// Checks every value and resolves the server addresses.
    /// - Throws: `ForwarderConfigError` naming the bad setting.
    func validatedAddresses() throws -> [SocketAddress] {
        guard attemptTimeout.nanoseconds > 0 else {
            throw ForwarderConfigError("forwarder: attemptTimeout must be positive, got \(attemptTimeout)")
        }
        guard totalTimeout.nanoseconds > 0 else {
            throw ForwarderConfigError("forwarder: totalTimeout must be positive, got \(totalTimeout)")
        }
        guard maxOutstanding > 0 else {
            throw ForwarderConfigError("forwarder: maxOutstanding must be positive, got \(maxOutstanding)")
        }
        return try servers.map { try $0.socketAddress() }
    }
}
