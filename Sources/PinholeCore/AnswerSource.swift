/// Where an answer came from, for logs and statistics.
public enum AnswerSource: Sendable, Hashable, CustomStringConvertible {
    /// A fresh cache entry.
    case cache
    /// An expired cache entry served because upstreams failed (RFC 8767).
    case stale
    /// An upstream server ("127.0.0.1:53").
    case upstream(String)
    /// Made by pinholed itself (SERVFAIL after upstream failure, …), with why.
    case synthesized(String)

    public var description: String {
        switch self {
        case .cache: return "cache"
        case .stale: return "stale"
        case .upstream(let server): return "upstream \(server)"
        case .synthesized(let why): return "synthesized (\(why))"
        }
    }
}
