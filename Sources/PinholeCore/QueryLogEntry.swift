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
    /// Aliases and addresses of the answer when they were already known
    /// (a cached answer's); see `answer`.
    public var answerFacts: AnswerFacts?
    /// The upstream reply the answer was made from, parsed for `answer` only
    /// by whoever reads it (the query-log writer, off the answering thread).
    public var upstreamResponse: DNSResponse?

    public init(
        request: QueryRequest, rcode: UInt16, source: AnswerSource, latencyNanoseconds: UInt64, decision: PolicyDecision? = nil,
        answerFacts: AnswerFacts? = nil, upstreamResponse: DNSResponse? = nil
    ) {
        self.request = request
        self.rcode = rcode
        self.source = source
        self.latencyNanoseconds = latencyNanoseconds
        self.decision = decision
        self.answerFacts = answerFacts
        self.upstreamResponse = upstreamResponse
    }

    /// The CNAME chain and addresses of the answer (none for a synthesized one).
    public var answer: AnswerFacts {
        answerFacts ?? upstreamResponse.map(AnswerFacts.init(response:)) ?? .none
    }

    /// Who asked: the request's attribution, or `unknown`/`disabled` when
    /// no attribution stage ran.
    public var attribution: Attribution {
        request.attribution ?? .unknown(.disabled)
    }

    /// The question name as text ("www.example.com.").
    public var questionName: String { DNSName.text(fromWire: request.query.question.name) }
}
