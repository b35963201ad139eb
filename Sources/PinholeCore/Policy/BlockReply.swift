import DNSWire

/// How a blocked query is answered.
public enum BlockReply: String, Sendable, Hashable, CaseIterable {
    /// A → 0.0.0.0, AAAA → ::, other types NODATA: apps fail fast without
    /// retrying elsewhere (the default).
    case null
    /// NXDOMAIN: the name does not exist.
    case nxdomain
    /// NOERROR without records.
    case nodata
    /// REFUSED.
    case refused

    /// "null, nxdomain, nodata, refused", for error messages.
    public static let names = allCases.map(\.rawValue).joined(separator: ", ")

    /// The reply to `query` of this kind; addresses carry `ttl`.
    public func wire(for query: DNSQuery, ttl: UInt32) -> [UInt8] {
        switch self {
        case .null:
            let name = DNSName.text(fromWire: query.question.name)
            switch query.question.type {
            case DNSType.a: return DNSMessageBuilder.reply(to: query, answers: [.a(name, "0.0.0.0", ttl: ttl)])
            case DNSType.aaaa: return DNSMessageBuilder.reply(to: query, answers: [.aaaa(name, "::", ttl: ttl)])
            default: return DNSMessageBuilder.reply(to: query)
            }
        case .nxdomain: return DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.nxDomain)
        case .nodata: return DNSMessageBuilder.reply(to: query)
        case .refused: return DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.refused)
        }
    }

    /// The RCODE of `wire(for:ttl:)`.
    public var rcode: UInt16 {
        switch self {
        case .null, .nodata: return DNSRcode.noError
        case .nxdomain: return DNSRcode.nxDomain
        case .refused: return DNSRcode.refused
        }
    }
}
