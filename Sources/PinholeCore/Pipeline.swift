/// The order of the query stages. Each line is one stage; a query enters at
/// the top and a result travels back up through the same stages.
public enum Pipeline {
    /// The resolver chain answering from `cache` or through `upstream`;
    /// queries are attributed with `resolver` (nil: attribution off) and
    /// reported to `log`.
    public static func make(
        cache: DNSCache, upstream: any Upstream, resolver: (any ProcessResolver)? = nil,
        log: (any QueryLogSink)? = nil, now: @escaping @Sendable () -> UInt64 = { 0 }
    ) -> any QueryHandler {
        // Later: the policy stage goes after attribution, the pin stage after the cache.
        let resolving: any QueryHandler =
            CacheStage(cache: cache,              // fresh hit → answer now; stores replies; stale on failure
                next: CoalescingStage(            // identical queries in flight share one upstream trip
                    next: ForwardStage(           // ask the upstreams; SERVFAIL when none answers
                        upstream: upstream)))
        let logged = log.map { QueryLogStage(sink: $0, now: now, next: resolving) } ?? resolving  // report each answer
        return resolver.map { AttributionStage(resolver: $0, next: logged) } ?? logged            // who asked (first)
    }
}
