/// A list rule that covers a queried name, as `DomainSet.match` returns it:
/// enough for the decision to apply "important beats exception beats
/// block" and "most specific wins", and to name the rule.
public struct DomainSetMatch: Sendable, Hashable {
    /// Index of the list in `DomainSet.lists`.
    public var list: Int
    /// List name, file and line of the rule.
    public var source: RuleSource
    /// The list's category.
    public var category: String?
    /// The rule's kind of match.
    public var rule: DomainMatch
    /// The name the rule is written for: the queried name or one of its parents.
    public var matchedName: Substring
    /// Whether `matchedName` is the queried name itself.
    public var isQueriedName: Bool
    /// `@@` rule.
    public var isException: Bool
    /// `$important` rule.
    public var isImportant: Bool
    /// The rule's `$dnstype` limit (the queried type passed it); nil for all types.
    public var dnsTypes: DNSTypeFilter?

    /// Labels in `matchedName`: more is more specific.
    public var specificity: Int { matchedName.utf8.count(where: { $0 == UInt8(ascii: ".") }) + 1 }
}
