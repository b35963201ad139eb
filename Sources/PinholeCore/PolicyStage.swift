import DNSWire

/// Decides each query by the asking app's policy: a blocked name is answered
/// here (with the decision attached); an allowed one goes on, and its answer
/// is checked on the way back: every name of the CNAME chain is decided
/// like the question (CNAME cloaking), and with the rebinding guard on, a
/// public name must not answer with an internal address.
public struct PolicyStage: QueryHandler {
    public let store: PolicyStore
    public let next: any QueryHandler

    public init(store: PolicyStore, next: any QueryHandler) {
        self.store = store
        self.next = next
    }

    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let policy = store.current
        let question = request.query.question
        // Names no rule can be written for (odd bytes) are not policed by name.
        guard let name = PolicyName(wire: question.name) else {
            next.handle(request, respond: respond)
            return
        }
        let app = request.attribution?.app
        let decision = policy.decide(app: app, name: name, type: question.type)
        guard decision.allowed else {
            respond(Self.blocked(request.query, decision, ttl: policy.blockTTL))
            return
        }
        next.handle(request) { result in
            var result = result
            let facts = result.facts
            for alias in facts.aliases {
                let aliasDecision = policy.decide(app: app, name: alias, type: question.type)
                if !aliasDecision.allowed {
                    var blocked = aliasDecision
                    blocked.reason = .cname(name: alias.text, because: DecisionReason.Box(aliasDecision.reason))
                    respond(Self.blocked(request.query, blocked, ttl: policy.blockTTL))
                    return
                }
            }
            if decision.guardsRebinding, let inside = facts.addresses.first(where: \.isInternal), !Self.isLocalName(name) {
                var blocked = decision
                blocked.allowed = false
                blocked.reason = .rebinding(address: inside.description)
                respond(Self.blocked(request.query, blocked, ttl: policy.blockTTL))
                return
            }
            result.decision = decision
            result.cachedFacts = facts  // read once; the pin stage needs them too
            respond(result)
        }
    }

    /// The block reply for `query`, carrying `decision`.
    static func blocked(_ query: DNSQuery, _ decision: PolicyDecision, ttl: UInt32) -> QueryResult {
        var result = QueryResult(
            wire: decision.reply.wire(for: query, ttl: ttl), rcode: decision.reply.rcode,
            source: .synthesized("blocked: \(decision.reason)"))
        result.decision = decision
        return result
    }

    /// Names that may rightly resolve to internal addresses: single labels
    /// and the special-use and private suffixes (RFC 6761, 6762, 8375, ICANN's .internal).
    static func isLocalName(_ name: PolicyName) -> Bool {
        guard let dot = name.text.lastIndex(of: ".") else { return true }
        if localSuffixes.contains(String(name.text[name.text.index(after: dot)...])) { return true }
        return name.text.hasSuffix(".home.arpa") || name.text.hasSuffix(".in-addr.arpa") || name.text.hasSuffix(".ip6.arpa")
    }

    private static let localSuffixes: Set<String> = ["local", "localhost", "lan", "home", "internal", "intranet", "corp", "private", "test", "invalid"]
}
