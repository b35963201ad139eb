/// One rule of a list, as read from its line.
public struct ListEntry: Sendable, Hashable {
    public var name: PolicyName
    public var match: DomainMatch
    /// An adblock `@@` rule: lets the name through other lists' blocks.
    public var isException: Bool
    /// An adblock `$important` rule: beats exceptions.
    public var isImportant: Bool
    /// The query types the rule is limited to (`$dnstype=`); nil for all.
    public var dnsTypes: DNSTypeFilter?
    /// 1-based line in the list file.
    public var line: Int

    public init(
        name: PolicyName, match: DomainMatch, isException: Bool = false, isImportant: Bool = false,
        dnsTypes: DNSTypeFilter? = nil, line: Int
    ) {
        self.name = name
        self.match = match
        self.isException = isException
        self.isImportant = isImportant
        self.dnsTypes = dnsTypes
        self.line = line
    }
}
