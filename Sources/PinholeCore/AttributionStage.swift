/// Finds the process that sent the query (through `resolver`) and passes the
/// query on with its `attribution` set, so policy and the log know who asked.
public struct AttributionStage: QueryHandler {
    /// Finds the process behind a client address.
    public let resolver: any ProcessResolver
    /// The stage that handles the attributed query.
    public let next: any QueryHandler

    /// A stage in front of `next`, attributing with `resolver`.
    public init(resolver: any ProcessResolver, next: any QueryHandler) {
        self.resolver = resolver
        self.next = next
    }

    /// Continues synchronously when the resolver answers from its caches;
    /// otherwise on the resolver's thread. A request that arrives already
    /// attributed (varlink: the kernel named the peer) goes straight on.
    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let next = self.next
        if request.attribution != nil { return next.handle(request, respond: respond) }
        let lookup = AttributionRequest(transport: request.transport, client: request.client, local: request.local)
        resolver.attribute(lookup) { attribution in
            var attributed = request
            attributed.attribution = attribution
            next.handle(attributed, respond: respond)
        }
    }
}
