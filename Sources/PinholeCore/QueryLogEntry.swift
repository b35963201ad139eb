import DNSWire

/// One answered query, as handed to a `QueryLogSink`.
public struct QueryLogEntry: Sendable {
    /// The query as the stages saw it, with its attribution.
    public var request: QueryRequest
    public var rcode: UInt16
    public var source: AnswerSource
    /// Nanoseconds from entering the log stage to the answer.
    public var latencyNanoseconds: UInt64
    /// The policy's decision, when policy ran.
    public var decision: PolicyDecision?

    public init(
        request: QueryRequest, rcode: UInt16, source: AnswerSource, latencyNanoseconds: UInt64, decision: PolicyDecision? = nil
    ) {
        self.request = request
        self.rcode = rcode
        self.source = source
        self.latencyNanoseconds = latencyNanoseconds
        self.decision = decision
    }

    /// Who asked: the request's attribution, or `unknown`/`disabled` when
    /// no attribution stage ran.
    public var attribution: Attribution {
        request.attribution ?? .unknown(.disabled)
    }

    /// The question name as text ("www.example.com.").
    public var questionName: String { DNSName.text(fromWire: request.query.question.name) }
}
