import DNSWire

/// The answer to one query, ready to send (its ID is the client's).
public struct QueryResult: Sendable {
    /// The full reply; the listener truncates it for UDP when needed.
    public var wire: [UInt8]
    public var rcode: UInt16
    public var source: AnswerSource
    /// The parsed upstream reply this answer was made from, for the cache.
    public var upstreamResponse: DNSResponse?
    /// Aliases and addresses of a cached answer (see `facts`).
    public var cachedFacts: AnswerFacts?
    /// The policy decision, when the policy stage made one.
    public var decision: PolicyDecision?
    /// Why no upstream answered, when this is the SERVFAIL made for that
    /// (varlink tells "timed out" from "no servers"; DNS clients see SERVFAIL).
    public var upstreamFailure: UpstreamError.Kind?

    public init(wire: [UInt8], rcode: UInt16, source: AnswerSource, upstreamResponse: DNSResponse? = nil, cachedFacts: AnswerFacts? = nil) {
        self.wire = wire
        self.rcode = rcode
        self.source = source
        self.upstreamResponse = upstreamResponse
        self.cachedFacts = cachedFacts
    }

    /// Aliases and addresses of this answer: kept with a cached one, read
    /// from the upstream reply otherwise, none for a synthesized one.
    public var facts: AnswerFacts {
        cachedFacts ?? upstreamResponse.map(AnswerFacts.init(response:)) ?? .none
    }
}
