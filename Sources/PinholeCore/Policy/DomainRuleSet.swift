/// The `allow` or the `deny` rules of one profile, indexed so a lookup
/// costs one hash probe per label of the name (plus every regex rule).
public struct DomainRuleSet: Sendable {
    /// All rules in file order.
    public let rules: [DomainRule]
    private let byName: [String: [Int]]
    private let regexIndices: [Int]

    public init(_ rules: [DomainRule] = []) {
        self.rules = rules
        var byName: [String: [Int]] = [:]
        var regexIndices: [Int] = []
        for (index, rule) in rules.enumerated() {
            switch rule.pattern {
            case .name(let name, _): byName[name.text, default: []].append(index)
            case .regex: regexIndices.append(index)
            }
        }
        self.byName = byName
        self.regexIndices = regexIndices
    }

    public var isEmpty: Bool { rules.isEmpty }

    /// The rule that covers `name`, if any: the one for the longest name
    /// (the most specific), in file order among equals; regex rules last.
    public func firstMatch(_ name: PolicyName) -> DomainRule? {
        var depth = 0
        for suffix in name.selfAndParents {
            if let indices = byName[String(suffix)] {
                for index in indices {
                    guard case .name(_, let match) = rules[index].pattern else { continue }
                    let covers = depth == 0 ? match != .subdomains : match != .exact
                    if covers { return rules[index] }
                }
            }
            depth += 1
        }
        for index in regexIndices where rules[index].matches(name) { return rules[index] }
        return nil
    }
}
