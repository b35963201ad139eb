/// The `allow` or the `deny` rules of one profile, indexed so a lookup
/// costs one hash probe per label of the name (plus every regex rule).
public struct DomainRuleSet: Sendable {
    /// All rules in file order.
    public let rules: [DomainRule]
    private let byName: [Substring: [Int]]
    private let regexIndices: [Int]

    public init(_ rules: [DomainRule] = []) {
        self.rules = rules
        var byName: [Substring: [Int]] = [:]
        var regexIndices: [Int] = []
        for (index, rule) in rules.enumerated() {
            switch rule.pattern {
            case .name(let name, _): byName[Substring(name.text), default: []].append(index)
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
        if !byName.isEmpty {
            // The name, then each parent: Substring keys, so no allocation per label.
            var rest = Substring(name.text)
            var isName = true
            while !rest.isEmpty {
                if let indices = byName[rest] {
                    for index in indices {
                        guard case .name(_, let match) = rules[index].pattern else { continue }
                        if isName ? match != .subdomains : match != .exact { return rules[index] }
                    }
                }
                guard let dot = rest.utf8.firstIndex(of: UInt8(ascii: ".")) else { break }
                rest = rest[rest.index(after: dot)...]
                isName = false
            }
        }
        for index in regexIndices where rules[index].matches(name) { return rules[index] }
        return nil
    }
}
