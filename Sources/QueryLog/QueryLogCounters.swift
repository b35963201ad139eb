/// What the writer did with the entries it was given, since it started.
public struct QueryLogCounters: Sendable, Hashable, Codable {
    /// Rows committed to the database.
    public var written: UInt64
    /// Entries dropped because the queue was full (the oldest go first).
    public var dropped: UInt64
    /// Entries lost because the database could not be written (read-only, full, corrupt, unopenable).
    public var failed: UInt64
    /// Entries not logged on purpose (`ignore` rules, `shouldLog`).
    public var ignored: UInt64
    /// Entries waiting in the queue now.
    public var queued: Int
    /// Rows removed by retention (age and size).
    public var pruned: UInt64

    public init(written: UInt64 = 0, dropped: UInt64 = 0, failed: UInt64 = 0, ignored: UInt64 = 0, queued: Int = 0, pruned: UInt64 = 0) {
        self.written = written
        self.dropped = dropped
        self.failed = failed
        self.ignored = ignored
        self.queued = queued
        self.pruned = pruned
    }
}
