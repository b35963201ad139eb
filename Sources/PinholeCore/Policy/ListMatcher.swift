/// The global lists, compiled, as the policy asks them.
public protocol ListMatcher: Sendable {
    /// Every entry of the lists named in `lists` (by list name or category)
    /// that covers `name` for a query of `type`, as hits of kind
    /// `importantBlock`, `listException` or `listBlock`, the most specific
    /// (longest name) first within each kind.
    func hits(for name: PolicyName, type: UInt16, lists: Set<String>) -> [RuleHit]
}

