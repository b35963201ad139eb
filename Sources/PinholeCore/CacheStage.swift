import DNSWire

/// Answers from `DNSCache` when it can, else passes the query on and stores
/// what comes back. When upstreams fail (a synthesized SERVFAIL) and the
/// cache allows it, an expired answer is served instead (RFC 8767).
public struct CacheStage: QueryHandler {
    /// The cache answers are read from and stored in.
    public let cache: DNSCache
    /// The stage that handles misses.
    public let next: any QueryHandler

    /// A stage in front of `next`, backed by `cache`.
    public init(cache: DNSCache, next: any QueryHandler) {
        self.cache = cache
        self.next = next
    }

    /// Responds synchronously on a fresh hit; otherwise asks `next`.
    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let query = request.query
        let key = CacheKey(query: query)
        if let hit = cache.lookupAnswer(key, id: query.id) {
            var wire = hit.wire
            ReplyEditing.echoQuestionCase(of: query.wire, into: &wire)
            respond(QueryResult(wire: wire, rcode: ReplyEditing.headerRcode(wire), source: .cache, cachedFacts: hit.facts))
            return
        }
        let cache = self.cache
        next.handle(request) { result in
            if let response = result.upstreamResponse {
                cache.insert(key, response: response)
            }
            if result.rcode == DNSRcode.servFail, case .synthesized = result.source,
                let hit = cache.lookupStaleAnswer(key, id: query.id)
            {
                var stale = hit.wire
                ReplyEditing.echoQuestionCase(of: query.wire, into: &stale)
                respond(QueryResult(wire: stale, rcode: ReplyEditing.headerRcode(stale), source: .stale, cachedFacts: hit.facts))
                return
            }
            respond(result)
        }
    }
}
