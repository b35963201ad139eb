/// The reply to `{"op":"status"}`.
public struct ControlStatus: Sendable, Codable, Equatable {
    /// The query log's counters.
    public struct Log: Sendable, Codable, Equatable {
        public var enabled: Bool
        public var path: String
        public var written: UInt64
        public var dropped: UInt64
        public var failed: UInt64
        public var ignored: UInt64
        public var queued: Int
        public var pruned: UInt64
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

    enum CodingKeys: String, CodingKey {
        case version, pid, uptimeSeconds = "uptime_seconds", queries, log, followers, followDropped = "follow_dropped"
    }
}
