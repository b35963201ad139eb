/// The order of the query stages. Each line is one stage; a query enters at
/// the top and a result travels back up through the same stages.
public enum Pipeline {
    /// The resolver chain answering from `cache` or through `upstream`.
    public static func make(cache: DNSCache, upstream: any Upstream) -> any QueryHandler {
        // Later: attribution and policy stages go here, before the cache.
        CacheStage(cache: cache,                  // fresh hit → answer now; stores replies; stale on failure
            next: CoalescingStage(                // identical queries in flight share one upstream trip
                next: ForwardStage(               // ask the upstreams; SERVFAIL when none answers
                    upstream: upstream)))
    }
}
