/// Why a client's query was not accepted.
public enum QueryParseError: Error, Equatable, Sendable, CustomStringConvertible {
    /// Not to be answered at all (too short for a header, or a response: QR=1).
    case drop(reason: String)
    /// The header was readable: answer FORMERR with this ID (and the
    /// question, when it could be read).
    case formErr(id: UInt16, reason: String)
    /// The opcode is not QUERY: answer NOTIMP with this ID
    /// (`DNSMessageBuilder.headerReply(id:queryFlags:rcode:)`).
    case notImp(id: UInt16, reason: String)

    public var description: String {
        switch self {
        case .drop(let reason): return "dropped: \(reason)"
        case .formErr(_, let reason): return "FORMERR: \(reason)"
        case .notImp(_, let reason): return "NOTIMP: \(reason)"
        }
    }
}
