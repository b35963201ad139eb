/// One app in `pinhole apps`.
public struct AppSummary: Sendable, Hashable {
    public var key: String
    /// Of the identity seen last ('' fields as nil).
    public var unit: String?
    public var userUnit: String?
    public var executable: String?
    /// ms since the epoch, over the queries kept.
    public var firstSeen: Int64
    public var lastSeen: Int64
    public var queries: Int64
    public var blocked: Int64
    /// Distinct registrable domains asked for.
    public var domains: Int

    /// Share of blocked queries, 0…100.
    public var blockedPercent: Double { queries == 0 ? 0 : Double(blocked) * 100 / Double(queries) }
}
