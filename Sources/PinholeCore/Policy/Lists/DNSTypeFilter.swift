/// The query types an adblock `$dnstype=` modifier limits a rule to:
/// `A|AAAA` (only these), `~CNAME` (all but this), or both kinds mixed.
public struct DNSTypeFilter: Sendable, Hashable, CustomStringConvertible {
    /// Types the rule applies to; empty means every type not excluded.
    public var included: [UInt16]
    /// Types the rule never applies to (`~TYPE`).
    public var excluded: [UInt16]

    public init(included: [UInt16] = [], excluded: [UInt16] = []) {
        self.included = included
        self.excluded = excluded
    }

    /// Whether a query of `type` is covered.
    public func matches(_ type: UInt16) -> Bool {
        (included.isEmpty || included.contains(type)) && !excluded.contains(type)
    }

    /// Parses the value of `dnstype=` ("A|AAAA", "~CNAME"); the error names
    /// the type it does not know.
    public static func parse(_ text: some StringProtocol) -> Result<DNSTypeFilter, RejectedLine.Reason> {
        var filter = DNSTypeFilter()
        for part in text.split(separator: "|", omittingEmptySubsequences: false) {
            let negated = part.hasPrefix("~")
            let name = negated ? part.dropFirst() : part[...]
            guard let type = DNSTypeFilter.typeCode(name) else {
                return .failure(.init("unknown DNS type '\(name)' in dnstype"))
            }
            if negated { filter.excluded.append(type) } else { filter.included.append(type) }
        }
        return .success(filter)
    }

    /// The code of a type mnemonic ("AAAA" → 28) or of `TYPE123`.
    public static func typeCode(_ name: some StringProtocol) -> UInt16? {
        let upper = name.uppercased()
        if let code = mnemonics[upper] { return code }
        if upper.hasPrefix("TYPE"), let code = UInt16(upper.dropFirst(4)) { return code }
        return nil
    }

    private static let mnemonics: [String: UInt16] = [
        "A": 1, "NS": 2, "CNAME": 5, "SOA": 6, "PTR": 12, "HINFO": 13, "MX": 15, "TXT": 16,
        "AAAA": 28, "SRV": 33, "NAPTR": 35, "DS": 43, "RRSIG": 46, "NSEC": 47, "DNSKEY": 48,
        "SVCB": 64, "HTTPS": 65, "ANY": 255, "CAA": 257,
    ]

    public var description: String {
        let names = Dictionary(uniqueKeysWithValues: Self.mnemonics.map { ($0.value, $0.key) })
        func name(_ code: UInt16) -> String { names[code] ?? "TYPE\(code)" }
        return (included.map(name) + excluded.map { "~" + name($0) }).joined(separator: "|")
    }
}

extension RejectedLine {
    /// Why a line was rejected, before its line number is known.
    public struct Reason: Error, Sendable, Hashable {
        public var text: String
        public init(_ text: String) { self.text = text }
    }
}
