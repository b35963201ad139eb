extension DomainSet: ListMatcher {
    /// The matches of the lists a profile applies (named by list name or
    /// category), as rule hits: `$important` blocks, `@@` exceptions, plain
    /// entries; most specific first, as `forEachMatch` gives them.
    public func hits(for name: PolicyName, type: UInt16, lists: Set<String>) -> [RuleHit] {
        var hits: [RuleHit] = []
        forEachMatch(name: name, type: type) { match in
            guard lists.contains(self.lists[match.list].name) || match.category.map(lists.contains) == true else { return }
            let kind: RuleHit.Kind = match.isException ? .listException : match.isImportant ? .importantBlock : .listBlock
            hits.append(RuleHit(kind: kind, rule: Self.text(of: match), source: match.source))
        }
        return hits
    }

    /// The rule as a person would write it: "example.com" (subtree),
    /// "=example.com", "*.example.com", with "@@" for an exception.
    static func text(of match: DomainSetMatch) -> String {
        let name: String
        switch match.rule {
        case .subtree: name = String(match.matchedName)
        case .exact: name = "=" + match.matchedName
        case .subdomains: name = "*." + match.matchedName
        }
        return (match.isException ? "@@" : "") + name + (match.isImportant ? " $important" : "")
    }
}
