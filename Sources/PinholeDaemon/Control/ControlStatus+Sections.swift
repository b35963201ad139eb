extension ControlStatus {
    /// The policy in force and the latest load or reload.
    public struct Policy: Sendable, Codable, Equatable {
        /// False when `[policy] enabled = false` (every name resolved).
        public var enabled: Bool
        /// Wall-clock milliseconds of the latest load or reload attempt.
        public var loadedAt: Int64?
        /// Whether that attempt succeeded (when not, the policy before it stays in force).
        public var ok: Bool
        /// Its errors, "file:line: message" each.
        public var errors: [String]
        public var profiles: Int
        public var lists: [String]
        public var warnings: [String]

        public init(enabled: Bool, loadedAt: Int64?, ok: Bool, errors: [String], profiles: Int, lists: [String], warnings: [String]) {
            self.enabled = enabled
            self.loadedAt = loadedAt
            self.ok = ok
            self.errors = errors
            self.profiles = profiles
            self.lists = lists
            self.warnings = warnings
        }

        enum CodingKeys: String, CodingKey { case enabled, loadedAt = "loaded_at", ok, errors, profiles, lists, warnings }
    }

    /// The answer cache.
    public struct Cache: Sendable, Codable, Equatable {
        public var entries: Int
        public var capacity: Int
        public var hits: Int
        public var misses: Int
        public var staleHits: Int

        public init(entries: Int, capacity: Int, hits: Int, misses: Int, staleHits: Int) {
            self.entries = entries
            self.capacity = capacity
            self.hits = hits
            self.misses = misses
            self.staleHits = staleHits
        }

        /// Share of lookups answered from the cache, 0…100; nil before the first lookup.
        public var hitPercent: Double? { hits + misses == 0 ? nil : Double(hits) * 100 / Double(hits + misses) }

        enum CodingKeys: String, CodingKey { case entries, capacity, hits, misses, staleHits = "stale_hits" }
    }

    /// What happened to the queries answered since start.
    public struct Counters: Sendable, Codable, Equatable {
        public var blocked: UInt64
        /// Attributed to a process.
        public var attributed: UInt64
        /// Attribution found no process (app `unknown`).
        public var unknown: UInt64

        public init(blocked: UInt64, attributed: UInt64, unknown: UInt64) {
            self.blocked = blocked
            self.attributed = attributed
            self.unknown = unknown
        }
    }

    /// One upstream server and what the forwarder saw of it since start.
    public struct Upstream: Sendable, Codable, Equatable {
        public var address: String
        /// Attempts it answered.
        public var answered: UInt64
        /// Attempts that failed (refused, reset, unusable reply).
        public var failed: UInt64
        /// Attempts it left unanswered until the attempt timeout.
        public var timeouts: UInt64
        public var lastError: String?
        /// Smoothed round-trip time of its answers, milliseconds.
        public var rttMilliseconds: Double?

        public init(address: String, answered: UInt64 = 0, failed: UInt64 = 0, timeouts: UInt64 = 0, lastError: String? = nil, rttMilliseconds: Double? = nil) {
            self.address = address
            self.answered = answered
            self.failed = failed
            self.timeouts = timeouts
            self.lastError = lastError
            self.rttMilliseconds = rttMilliseconds
        }

        enum CodingKeys: String, CodingKey {
            case address, answered, failed, timeouts, lastError = "last_error", rttMilliseconds = "rtt_ms"
        }
    }
}
