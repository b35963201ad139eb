import DNSWire
import PinholeCore

/// What one query's result means to an io.systemd.Resolve caller.
enum ResolveOutcome: Sendable, Equatable {
    /// An answer (possibly without records of the asked type).
    case records([ExpandedRecord], fromCache: Bool)
    /// Policy blocked the name: the caller must see "no such host", not the block reply's 0.0.0.0.
    case blocked
    /// The server answered with this RCODE (not NOERROR).
    case rcode(UInt16)
    /// No upstream answered.
    case upstreamFailed(UpstreamError.Kind)
    /// The reply could not be read (cannot happen for replies the forwarder validated).
    case invalid

    /// The meaning of `result`.
    init(_ result: QueryResult) {
        if let decision = result.decision, !decision.allowed {
            self = .blocked
        } else if let failure = result.upstreamFailure {
            self = .upstreamFailed(failure)
        } else if result.rcode != DNSRcode.noError {
            self = .rcode(result.rcode)
        } else if let response = try? DNSResponse.parse(result.wire) {
            switch result.source {
            case .cache, .stale: self = .records(response.expandedAnswerRecords(), fromCache: true)
            default: self = .records(response.expandedAnswerRecords(), fromCache: false)
            }
        } else {
            self = .invalid
        }
    }

    /// The error for a lookup whose outcomes gave nothing to return, as
    /// systemd-resolved words it: NXDOMAIN first (the name does not exist,
    /// whatever else failed), then upstream failures (nss-resolve: try
    /// again), then other RCODEs, else no records of that type.
    static func error(of outcomes: [ResolveOutcome], query: String) -> VarlinkError {
        if outcomes.contains(.rcode(DNSRcode.nxDomain)) { return .dnsError(rcode: DNSRcode.nxDomain, query: query) }
        for case .upstreamFailed(let kind) in outcomes {
            switch kind {
            case .noServers: return .noNameServers
            case .timeout: return .queryTimedOut
            case .failed: return .maxAttemptsReached
            }
        }
        if outcomes.contains(.invalid) { return .invalidReply }
        for case .rcode(let rcode) in outcomes { return .dnsError(rcode: rcode, query: query) }
        return .noSuchResourceRecord
    }

    /// systemd's reply flags: SD_RESOLVED_DNS, plus FROM_CACHE or FROM_NETWORK.
    static func flags(of outcomes: [ResolveOutcome]) -> Int64 {
        var flags: Int64 = dnsFlag
        for case .records(_, let fromCache) in outcomes { flags |= fromCache ? fromCacheFlag : fromNetworkFlag }
        return flags
    }

    static let dnsFlag: Int64 = 1
    static let authenticatedFlag: Int64 = 1 << 9
    static let syntheticFlag: Int64 = 1 << 19
    static let fromCacheFlag: Int64 = 1 << 20
    static let fromNetworkFlag: Int64 = 1 << 23
}
