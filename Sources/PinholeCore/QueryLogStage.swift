/// Hands every answered query, with who asked and how it was answered, to
/// `sink` as the answer passes back up.
public struct QueryLogStage: QueryHandler {
    public let sink: any QueryLogSink
    /// Monotonic nanoseconds, for the latency.
    public let now: @Sendable () -> UInt64
    public let next: any QueryHandler

    /// A stage in front of `next` reporting to `sink`.
    public init(sink: any QueryLogSink, now: @escaping @Sendable () -> UInt64, next: any QueryHandler) {
        self.sink = sink
        self.now = now
        self.next = next
    }

    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        guard sink.isEnabled else {
            next.handle(request, respond: respond)
            return
        }
        let sink = self.sink
        let now = self.now
        let start = now()
        next.handle(request) { result in
            respond(result)
            let elapsed = now() &- start
            sink.record(QueryLogEntry(
                request: request, rcode: result.rcode, source: result.source, latencyNanoseconds: elapsed,
                decision: result.decision, answerFacts: result.cachedFacts, upstreamResponse: result.upstreamResponse))
        }
    }
}
