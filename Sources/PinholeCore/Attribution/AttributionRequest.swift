/// What the attribution stage knows about where a query came from.
public struct AttributionRequest: Sendable, Hashable {
    public var transport: ClientTransport
    /// The client's address and port as pinholed received them.
    public var client: ClientEndpoint
    /// The local address and port the query arrived on (the listener's);
    /// nil when the listener is bound to a wildcard address.
    public var local: ClientEndpoint?
    /// Where the client sent the query before a DNS redirect (nat output)
    /// rewrote it, when known; the client socket is connected there, not
    /// to `local`.
    public var originalDestination: ClientEndpoint?

    public init(transport: ClientTransport, client: ClientEndpoint, local: ClientEndpoint?, originalDestination: ClientEndpoint? = nil) {
        self.transport = transport
        self.client = client
        self.local = local
        self.originalDestination = originalDestination
    }
}
