/// The precedence of the rules, in one place (README "Policy"):
///
/// 1. the profile's `deny`
/// 2. the profile's `allow`
/// 3. `$important` list entries
/// 4. list exceptions (`@@`), which cancel ordinary list entries only
/// 5. ordinary list entries
/// 6. first-party mode: vendor domains allowed, other registrable domains blocked
/// 7. the mode's default: `enforce` blocks, the others allow
///
/// Mode `off` skips all of it. Within one kind, the hit given first (the
/// most specific, by the matchers' order) is the one named.
public enum PolicyDecider {
    /// The decision for a name with `hits` (every rule that matched it) under
    /// a profile of `mode`; `registrable` is the name's registrable domain,
    /// for first-party mode.
    public static func decide(
        hits: [RuleHit], mode: PolicyMode, profile: String, reply: BlockReply, registrable: String?
    ) -> PolicyDecision {
        func decision(_ allowed: Bool, _ reason: DecisionReason) -> PolicyDecision {
            PolicyDecision(allowed: allowed, profile: profile, mode: mode, reason: reason, reply: reply, considered: ordered(hits))
        }
        if mode == .off { return decision(true, .modeDefault(.off)) }
        if let hit = hits.first(where: { $0.kind == .profileDeny }) { return decision(false, .rule(hit)) }
        if let hit = hits.first(where: { $0.kind == .profileAllow }) { return decision(true, .rule(hit)) }
        if let hit = hits.first(where: { $0.kind == .importantBlock }) { return decision(false, .rule(hit)) }
        let exception = hits.first { $0.kind == .listException }
        if exception == nil, let hit = hits.first(where: { $0.kind == .listBlock }) { return decision(false, .rule(hit)) }
        if mode == .firstParty {
            if let hit = hits.first(where: { $0.kind == .vendor }) { return decision(true, .rule(hit)) }
            return decision(false, .thirdParty(registrable: registrable ?? "(none)"))
        }
        if let exception, mode != .enforce { return decision(true, .rule(exception)) }
        return decision(mode != .enforce, .modeDefault(mode))
    }

    private static let rank: [RuleHit.Kind: Int] = [
        .profileDeny: 0, .profileAllow: 1, .importantBlock: 2, .listException: 3, .listBlock: 4, .vendor: 5,
    ]

    /// `hits` strongest first, keeping the matchers' order within a kind.
    static func ordered(_ hits: [RuleHit]) -> [RuleHit] {
        guard hits.count > 1 else { return hits }
        return hits.enumerated().sorted { (rank[$0.element.kind]!, $0.offset) < (rank[$1.element.kind]!, $1.offset) }.map(\.element)
    }
}
