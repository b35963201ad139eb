import DNSWire

/// Sends queries to upstream servers (implemented by the Forwarder target).
public protocol Upstream: Sendable {
    /// Resolves `query` upstream: a fresh random ID and source port per
    /// attempt, the reply accepted only when its source, ID and question
    /// match; TC=1 over UDP retried over TCP; failover across servers.
    /// `transport` is the client's: TCP clients are forwarded over TCP.
    /// Calls `completion` exactly once, on any thread.
    func resolve(
        _ query: DNSQuery, transport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    )
}

/// A validated reply and the server that sent it.
public struct UpstreamReply: Sendable {
    public var response: DNSResponse
    /// "address:port" of the server that answered.
    public var server: String

    public init(response: DNSResponse, server: String) {
        self.response = response
        self.server = server
    }
}

/// Why no upstream answered.
public struct UpstreamError: Error, Sendable, CustomStringConvertible {
    public enum Kind: Sendable, Hashable {
        /// No server answered in time.
        case timeout
        /// Every server answered with something unusable, or could not be reached.
        case failed
        /// No servers are configured.
        case noServers
    }

    public var kind: Kind
    /// Says what happened with each server tried.
    public var message: String

    public init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { message }
}
