import DNSWire

/// What identifies a cached answer: the question plus the query flags that
/// change what an upstream sends back, so DO/CD/EDNS variants never mix
/// (a reply without RRSIGs must not answer a DO=1 query, nor one made
/// without EDNS a client that asked with it).
public struct CacheKey: Hashable, Sendable {
    /// The question; its name is lowercased wire form, so lookups ignore case.
    public var question: DNSQuestion
    /// The DNSSEC OK bit of the query's OPT record.
    public var dnssecOK: Bool
    /// The query's CD (checking disabled) header bit.
    public var checkingDisabled: Bool
    /// Whether the query had an OPT record at all.
    public var hasEDNS: Bool

    /// A key from its parts.
    public init(question: DNSQuestion, dnssecOK: Bool, checkingDisabled: Bool, hasEDNS: Bool) {
        self.question = question
        self.dnssecOK = dnssecOK
        self.checkingDisabled = checkingDisabled
        self.hasEDNS = hasEDNS
    }

    /// The key under which answers to `query` are stored.
    public init(query: DNSQuery) {
        self.init(
            question: query.question,
            dnssecOK: query.edns?.dnssecOK ?? false,
            checkingDisabled: query.checkingDisabled,
            hasEDNS: query.edns != nil
        )
    }

    /// Hashes the name as one byte run (Array hashes element by element,
    /// which is several times slower on the cache's hot path).
    public func hash(into hasher: inout Hasher) {
        question.name.withUnsafeBytes { hasher.combine(bytes: $0) }
        hasher.combine(question.type)
        hasher.combine(question.qclass)
        hasher.combine(UInt8(dnssecOK ? 1 : 0) | (checkingDisabled ? 2 : 0) | (hasEDNS ? 4 : 0))
    }
}
