/// One registrable domain in `pinhole domains --app X`.
public struct DomainSummary: Sendable, Hashable {
    /// eTLD+1 ("example.com").
    public var domain: String
    public var queries: Int64
    public var blocked: Int64
    /// ms since the epoch.
    public var firstSeen: Int64
    public var lastSeen: Int64
}
