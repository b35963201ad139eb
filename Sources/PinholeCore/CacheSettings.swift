/// Limits and policy of `DNSCache`. TTLs are in seconds.
public struct CacheSettings: Sendable, Hashable {
    /// Most entries kept; the least recently used one is evicted beyond it.
    public var maxEntries: Int
    /// Lower bound applied to every cached TTL.
    public var minTTL: UInt32
    /// Upper bound applied to every cached TTL of a positive answer.
    public var maxTTL: UInt32
    /// Upper bound on how long NXDOMAIN/NODATA answers are kept (RFC 2308).
    public var negativeMaxTTL: UInt32
    /// Whether expired answers may be served when upstreams fail (RFC 8767).
    public var serveStale: Bool
    /// How long past its expiry an entry may still be served stale.
    public var staleMaxAge: UInt32
    /// The TTL put on every record of a stale answer (RFC 8767 §5: 30 s).
    public var staleReplyTTL: UInt32

    /// Settings with the given values; the defaults suit a desktop stub.
    public init(
        maxEntries: Int = 10_000,
        minTTL: UInt32 = 0,
        maxTTL: UInt32 = 86_400,
        negativeMaxTTL: UInt32 = 3_600,
        serveStale: Bool = false,
        staleMaxAge: UInt32 = 86_400,
        staleReplyTTL: UInt32 = 30
    ) {
        self.maxEntries = maxEntries
        self.minTTL = minTTL
        self.maxTTL = maxTTL
        self.negativeMaxTTL = negativeMaxTTL
        self.serveStale = serveStale
        self.staleMaxAge = staleMaxAge
        self.staleReplyTTL = staleReplyTTL
    }
}
