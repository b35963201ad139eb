import DNSWire

/// One client query on its way through the stages.
public struct QueryRequest: Sendable {
    public var query: DNSQuery
    public var transport: ClientTransport
    public var client: ClientEndpoint
    /// The listener's address and port; nil when it is bound to a wildcard.
    public var local: ClientEndpoint?
    /// Who sent it; set by `AttributionStage`, nil before (and in unit tests
    /// of later stages).
    public var attribution: Attribution?

    public init(query: DNSQuery, transport: ClientTransport, client: ClientEndpoint, local: ClientEndpoint? = nil) {
        self.query = query
        self.transport = transport
        self.client = client
        self.local = local
    }
}
