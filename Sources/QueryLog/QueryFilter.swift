/// What `QueryLogReader.entries` keeps; every set field must match.
public struct QueryFilter: Sendable, Hashable {
    /// An app key, a unit or user unit, or an executable path.
    public var app: String?
    public var pid: Int32?
    /// A user name or a numeric uid.
    public var user: String?
    /// `example.com` / `*.example.com`: that name and its subdomains; other globs match whole names.
    public var domain: DomainPattern?
    /// Only blocked (or only allowed) queries.
    public var decision: Decision?
    /// From this time on, in ms since the epoch (inclusive).
    public var since: Int64?
    /// Before this time, in ms since the epoch (exclusive).
    public var until: Int64?
    /// Query type number (1 = A, 28 = AAAA).
    public var qtype: UInt16?
    /// A substring of the decision's reason text (rule, list, file:line).
    public var rule: String?

    public init(
        app: String? = nil, pid: Int32? = nil, user: String? = nil, domain: DomainPattern? = nil, decision: Decision? = nil,
        since: Int64? = nil, until: Int64? = nil, qtype: UInt16? = nil, rule: String? = nil
    ) {
        self.app = app
        self.pid = pid
        self.user = user
        self.domain = domain
        self.decision = decision
        self.since = since
        self.until = until
        self.qtype = qtype
        self.rule = rule
    }
}
