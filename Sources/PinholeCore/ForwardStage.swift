import DNSWire

/// The last stage: sends the query to an `Upstream` and answers with its
/// reply, or with SERVFAIL when no upstream answered.
public struct ForwardStage: QueryHandler {
    /// Where queries are resolved.
    public let upstream: any Upstream

    /// A stage resolving through `upstream`.
    public init(upstream: any Upstream) {
        self.upstream = upstream
    }

    /// Resolves `request` upstream; the result carries the parsed reply so
    /// earlier stages (the cache) can use it.
    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let query = request.query
        upstream.resolve(query, transport: request.transport) { outcome in
            switch outcome {
            case .success(let reply):
                respond(QueryResult(
                    wire: DNSMessageBuilder.withID(reply.response.wire, query.id),
                    rcode: reply.response.rcode,
                    source: .upstream(reply.server),
                    upstreamResponse: reply.response))
            case .failure(let error):
                var result = QueryResult(
                    wire: DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.servFail),
                    rcode: DNSRcode.servFail,
                    source: .synthesized("upstream failed: \(error.message)"))
                result.upstreamFailure = error.kind
                respond(result)
            }
        }
    }
}
