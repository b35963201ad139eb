import QueryLog

/// The reply to `{"op":"status"}`.
public struct ControlStatus: Sendable, Codable, Equatable {
    /// The query log: where, and the writer's counters (`QueryLogCounters`,
    /// encoded flat beside `enabled` and `path`: `log.written`, `log.dropped`…).
    @dynamicMemberLookup
    public struct Log: Sendable, Codable, Equatable {
        public var enabled: Bool
        public var path: String
        public var counters: QueryLogCounters

        public init(enabled: Bool, path: String, counters: QueryLogCounters) {
            self.enabled = enabled
            self.path = path
            self.counters = counters
        }

        public subscript<Value>(dynamicMember keyPath: KeyPath<QueryLogCounters, Value>) -> Value {
            counters[keyPath: keyPath]
        }

        enum CodingKeys: String, CodingKey { case enabled, path }

        public init(from decoder: any Decoder) throws {
            let container = try decoder.container(keyedBy: CodingKeys.self)
            enabled = try container.decode(Bool.self, forKey: .enabled)
            path = try container.decode(String.self, forKey: .path)
            counters = try QueryLogCounters(from: decoder)
        }

        public func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode(enabled, forKey: .enabled)
            try container.encode(path, forKey: .path)
            try counters.encode(to: encoder)
        }
    }

    /// pinholed's version.
    public var version: String
    /// pinholed's pid (for SIGHUP after a profile change).
    public var pid: Int32
    /// Seconds since pinholed started.
    public var uptimeSeconds: Double
    /// Queries answered since start.
    public var queries: UInt64
    public var log: Log
    /// Clients following the live stream now.
    public var followers: Int
    /// Entries slow followers lost.
    public var followDropped: UInt64
    /// Where pinholed answers DNS ("127.0.0.1:53").
    public var listeners: [String]? = nil
    /// The io.systemd.Resolve socket pinholed serves (`[varlink]`); nil when it serves none.
    public var varlink: String? = nil
    /// The upstream servers and where they came from (config or resolv.conf).
    public var upstreams: [Upstream]? = nil
    public var upstreamsFrom: String? = nil
    public var policy: Policy? = nil
    public var cache: Cache? = nil
    public var counters: Counters? = nil

    enum CodingKeys: String, CodingKey {
        case version, pid, uptimeSeconds = "uptime_seconds", queries, log, followers, followDropped = "follow_dropped"
        case listeners, varlink, upstreams, upstreamsFrom = "upstreams_from", policy, cache, counters
    }
}
