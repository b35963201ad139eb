import PinholeCore

/// A decision flattened into the `reasons` table's columns.
struct StoredReason: Hashable {
    var kind: String
    var text: String
    var profile: String
    var mode: String
    var rule: String?
    var file: String?
    var line: Int?
    var list: String?

    init(_ decision: PolicyDecision) {
        profile = decision.profile
        mode = decision.mode.rawValue
        text = decision.reason.description
        kind = Self.kind(of: decision.reason)
        if let hit = Self.ruleHit(of: decision.reason) {
            rule = hit.rule
            file = hit.source.file
            line = hit.source.line
            list = hit.source.list
        }
    }

    /// "profile deny", "list entry", …, "mode default", "third party", "special", "cname", "rebinding".
    static func kind(of reason: DecisionReason) -> String {
        switch reason {
        case .rule(let hit): return hit.kind.rawValue
        case .modeDefault: return "mode default"
        case .thirdParty: return "third party"
        case .special: return "special"
        case .cname: return "cname"
        case .rebinding: return "rebinding"
        }
    }

    /// The rule behind a reason, also through a CNAME.
    static func ruleHit(of reason: DecisionReason) -> RuleHit? {
        switch reason {
        case .rule(let hit): return hit
        case .cname(_, let because): return ruleHit(of: because.reason)
        default: return nil
        }
    }
}
