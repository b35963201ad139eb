import DNSWire
import PinholeCore

/// What to do with the bytes of one client message, before any stage runs.
enum FrontendDecision {
    /// Answer at once with these bytes (FORMERR, NOTIMP, BADVERS).
    case respond([UInt8], reason: String)
    /// Say nothing (too short for a header, or not a query).
    case drop(reason: String)
    /// A well-formed query for the stages.
    case resolve(QueryRequest)
}

/// Turns raw client bytes into a query for the pipeline, or an immediate
/// answer; shared by the UDP and TCP listeners so both treat bad input alike.
enum QueryFrontend {
    /// EDNS version this server implements (RFC 6891 §6.1.3).
    static let ednsVersion: UInt8 = 0
    static let badVersRcode: UInt16 = 16

    static func decide(
        _ bytes: [UInt8], transport: ClientTransport, client: ClientEndpoint, local: ClientEndpoint?
    ) -> FrontendDecision {
        let query: DNSQuery
        do {
            query = try DNSQuery.parse(bytes)
        } catch {
            switch error {
            case .drop(let reason):
                return .drop(reason: reason)
            case .formErr(let id, let reason):
                return .respond(DNSMessageBuilder.headerReply(id: id, queryFlags: flags(of: bytes), rcode: DNSRcode.formErr), reason: reason)
            case .notImp(let id, let reason):
                return .respond(DNSMessageBuilder.headerReply(id: id, queryFlags: flags(of: bytes), rcode: DNSRcode.notImp), reason: reason)
            }
        }
        if let edns = query.edns, edns.version > ednsVersion {
            return .respond(
                DNSMessageBuilder.errorReply(to: query, rcode: badVersRcode),
                reason: "EDNS version \(edns.version) not supported")
        }
        return .resolve(QueryRequest(query: query, transport: transport, client: client, local: local))
    }

    private static func flags(of bytes: [UInt8]) -> UInt16 {
        bytes.count >= 4 ? UInt16(bytes[2]) << 8 | UInt16(bytes[3]) : 0
    }
}
