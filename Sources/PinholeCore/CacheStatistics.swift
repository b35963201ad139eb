/// Counters of a `DNSCache` since it was created.
public struct CacheStatistics: Sendable, Hashable {
    /// Fresh answers served.
    public var hits: Int = 0
    /// Lookups that found no fresh entry.
    public var misses: Int = 0
    /// Expired answers served because upstreams failed.
    public var staleHits: Int = 0
    /// Answers stored (new entries and replacements).
    public var insertions: Int = 0
    /// Entries dropped to stay within `maxEntries`.
    public var evictions: Int = 0

    /// All counters at zero.
    public init() {}
}
