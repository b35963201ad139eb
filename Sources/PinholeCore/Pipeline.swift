/// The order of the query stages. Each line is one stage; a query enters at
/// the top and a result travels back up through the same stages.
public enum Pipeline {
    /// The resolver chain answering from `cache` or through `upstream`;
    /// queries are attributed with `resolver`, decided by `policy`, their
    /// allowed addresses pinned with `pinner` and reported to `log` (each
    /// nil: that stage is off).
    public static func make(
        cache: DNSCache, upstream: any Upstream, resolver: (any ProcessResolver)? = nil, policy: PolicyStore? = nil,
        pinner: (any Pinner)? = nil, pinFloorSeconds: UInt32 = 3600, governRule: GovernRule = GovernRule(),
        log: (any QueryLogSink)? = nil, now: @escaping @Sendable () -> UInt64 = { 0 }
    ) -> any QueryHandler {
        let resolving: any QueryHandler =
            CacheStage(cache: cache,              // fresh hit → answer now; stores replies; stale on failure
                next: CoalescingStage(            // identical queries in flight share one upstream trip
                    next: ForwardStage(           // ask the upstreams; SERVFAIL when none answers
                        upstream: upstream)))
        let decided = policy.map { PolicyStage(store: $0, next: resolving) } ?? resolving  // the app's policy; CNAME, rebinding
        let pinned = pinner.map { PinStage(pinner: $0, floorSeconds: pinFloorSeconds, governRule: governRule, next: decided) } ?? decided  // allowed addresses into nftables, before the reply
        let probed: any QueryHandler = DoctorProbeStage(next: pinned)  // `pinhole doctor`'s probe names: NXDOMAIN here, never forwarded
        let logged = log.map { QueryLogStage(sink: $0, now: now, next: probed) } ?? probed  // report each answer
        return resolver.map { AttributionStage(resolver: $0, next: logged) } ?? logged            // who asked (first)
    }
}
