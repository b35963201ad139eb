import DNSWire
import Synchronization

/// A bounded, thread-safe cache of upstream replies in wire form.
///
/// Entries expire on a monotonic clock given in milliseconds; served replies
/// carry TTLs lowered by the whole seconds spent in the cache. The least
/// recently used entry is evicted beyond `settings.maxEntries`. The lock is
/// held only for the table operation: replies are rewritten outside it.
public final class DNSCache: Sendable {
    /// The limits this cache was made with.
    public let settings: CacheSettings
    private let now: @Sendable () -> UInt64
    private let state: Mutex<State>

    private struct State {
        var table: LRUTable<CacheKey, CacheEntry>
        var statistics = CacheStatistics()
    }

    /// A cache with `settings`, reading time from `now` (monotonic milliseconds).
    public init(settings: CacheSettings = CacheSettings(), now: @escaping @Sendable () -> UInt64) {
        self.settings = settings
        self.now = now
        self.state = Mutex(State(table: LRUTable(capacity: settings.maxEntries)))
    }

    /// Number of entries held, fresh or expired.
    public var count: Int { state.withLock { $0.table.count } }

    /// Counters since the cache was created.
    public var statistics: CacheStatistics { state.withLock { $0.statistics } }

    /// A fresh answer for `key`: the stored reply with ID `id` and every TTL
    /// lowered by the whole seconds since it was stored. Marks the entry most
    /// recently used. Returns nil (a miss) when there is none or it expired.
    public func lookup(_ key: CacheKey, id: UInt16) -> [UInt8]? {
        lookupAnswer(key, id: id)?.wire
    }

    /// `lookup`, with the answer's facts (aliases, addresses) kept since it was stored.
    public func lookupAnswer(_ key: CacheKey, id: UInt16) -> (wire: [UInt8], facts: AnswerFacts)? {
        let time = now()
        let keepStale = settings.serveStale
        let staleWindow = UInt64(settings.staleMaxAge) * 1000
        let entry: CacheEntry? = state.withLock { state in
            guard let entry = state.table.get(key) else {
                state.statistics.misses += 1
                return nil
            }
            if time < entry.expiresAt {
                state.statistics.hits += 1
                return entry
            }
            state.statistics.misses += 1
            // Free the slot unless it may still be served stale.
            if !keepStale || time - entry.expiresAt > staleWindow {
                state.table.remove(key)
            }
            return nil
        }
        guard let entry else { return nil }
        let elapsed = (time &- entry.storedAt) / 1000
        return (entry.render(id: id, elapsedSeconds: UInt32(clamping: elapsed)), entry.facts)
    }

    /// An expired answer for `key` (RFC 8767), when `settings.serveStale` is
    /// on and it expired at most `staleMaxAge` seconds ago: the stored reply
    /// with ID `id` and every TTL set to `staleReplyTTL`. Nil otherwise,
    /// including when the entry is still fresh.
    public func lookupStale(_ key: CacheKey, id: UInt16) -> [UInt8]? {
        lookupStaleAnswer(key, id: id)?.wire
    }

    /// `lookupStale`, with the answer's facts.
    public func lookupStaleAnswer(_ key: CacheKey, id: UInt16) -> (wire: [UInt8], facts: AnswerFacts)? {
        guard settings.serveStale else { return nil }
        let time = now()
        let staleWindow = UInt64(settings.staleMaxAge) * 1000
        let entry: CacheEntry? = state.withLock { state in
            guard let entry = state.table.peek(key), time >= entry.expiresAt,
                time - entry.expiresAt <= staleWindow
            else { return nil }
            state.statistics.staleHits += 1
            return entry
        }
        guard let entry else { return nil }
        return (entry.render(id: id, elapsedSeconds: 0, fixedTTL: settings.staleReplyTTL), entry.facts)
    }

    /// Stores `response` under `key` when it is cacheable: NOERROR with
    /// answers; NXDOMAIN and NODATA only with an SOA giving a negative TTL
    /// (RFC 2308). Never TC=1 replies, replies without a question, other
    /// RCODEs, or answers whose lifetime comes to 0 s. Replaces any entry
    /// already under `key`.
    public func insert(_ key: CacheKey, response: DNSResponse) {
        guard settings.maxEntries > 0, let (wire, offsets, lifetime) = prepare(response) else { return }
        let time = now()
        let entry = CacheEntry(
            wire: wire, ttlOffsets: offsets, storedAt: time,
            expiresAt: time + UInt64(lifetime) * 1000, facts: AnswerFacts(response: response))
        state.withLock { state in
            state.statistics.insertions += 1
            if state.table.set(key, entry) != nil {
                state.statistics.evictions += 1
            }
        }
    }

    /// Drops every entry (counters are kept).
    public func removeAll() {
        state.withLock { $0.table.removeAll() }
    }

    /// Keys from the most to the least recently used (tests only; O(n)).
    var keysByRecency: [CacheKey] { state.withLock { $0.table.keysByRecency } }

    /// The reply to store, its TTL offsets and its lifetime in seconds; nil
    /// when `response` must not be cached.
    private func prepare(_ response: DNSResponse) -> (wire: [UInt8], offsets: [Int], lifetime: UInt32)? {
        guard response.isResponse, !response.truncated, response.question != nil,
            response.wire.count >= 12
        else { return nil }
        let negative: Bool
        switch response.rcode {
        case DNSRcode.noError: negative = response.answerCount == 0
        case DNSRcode.nxDomain: negative = true
        default: return nil
        }
        let fields = response.ttlFields
        guard fields.allSatisfy({ $0.offset >= 12 && $0.offset + 4 <= response.wire.count }) else { return nil }

        let lifetime: UInt32
        if negative {
            guard let negativeTTL = response.negativeTTL else { return nil }
            lifetime = min(max(negativeTTL, settings.minTTL), settings.negativeMaxTTL)
        } else {
            // The answer and authority records come first in `ttlFields`;
            // additional records (glue) do not bound the lifetime.
            let authorityCount = Int(response.wire[8]) << 8 | Int(response.wire[9])
            let bounding = fields.prefix(response.answerCount + authorityCount)
            guard let shortest = bounding.map({ clamp($0.ttl) }).min() else { return nil }
            lifetime = shortest
        }
        guard lifetime > 0 else { return nil }

        // Served TTLs must agree with the entry's lifetime: clamp each one, and
        // in negative answers none may outlive the negative TTL (RFC 2308 §5).
        // Per-exchange EDNS options (the first client's COOKIE) are dropped.
        var wire = response.removingEDNSOptions().wire
        wire.withUnsafeMutableBufferPointer { bytes in
            for field in fields {
                let ttl = negative ? min(clamp(field.ttl), lifetime) : clamp(field.ttl)
                CacheEntry.writeTTL(ttl, at: field.offset, in: bytes)
            }
        }
        return (wire, fields.map(\.offset), lifetime)
    }

    private func clamp(_ ttl: UInt32) -> UInt32 {
        min(max(ttl, settings.minTTL), settings.maxTTL)
    }
}
