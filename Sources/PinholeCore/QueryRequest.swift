import DNSWire

/// One client query on its way through the stages.
public struct QueryRequest: Sendable {
    public var query: DNSQuery
    public var transport: ClientTransport
    public var client: ClientEndpoint

    public init(query: DNSQuery, transport: ClientTransport, client: ClientEndpoint) {
        self.query = query
        self.transport = transport
        self.client = client
    }
}
