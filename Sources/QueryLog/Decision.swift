/// What policy did with a query, as stored (`queries.decision`).
public enum Decision: Int64, Sendable, Hashable, CaseIterable {
    /// Policy did not run (off, or switched off for the app).
    case none = 0
    case allowed = 1
    case blocked = 2
}
