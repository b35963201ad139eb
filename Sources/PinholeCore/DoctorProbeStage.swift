import DNSWire

/// Answers `pinhole doctor`'s probe names (anything under
/// `pinhole-doctor.invalid`) with NXDOMAIN itself, never forwarding them:
/// doctor only needs to see that the query reached pinholed, attributed to
/// it, and `.invalid` (RFC 6761) must never leave the machine. Sits below
/// attribution and the log, so the probe is attributed and reported like
/// any query, and above policy, so no profile can change the answer.
public struct DoctorProbeStage: QueryHandler {
    /// The reserved suffix; doctor asks `<random>.pinhole-doctor.invalid`.
    public static let suffix = "pinhole-doctor.invalid"

    public let next: any QueryHandler

    public init(next: any QueryHandler) {
        self.next = next
    }

    /// True for the suffix itself and every name under it (any letter case).
    public static func isProbe(_ name: PolicyName) -> Bool {
        name.text == suffix || name.text.hasSuffix("." + suffix)
    }

    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        guard let name = PolicyName(wire: request.query.question.name), Self.isProbe(name) else {
            next.handle(request, respond: respond)
            return
        }
        respond(
            QueryResult(
                wire: BlockReply.nxdomain.wire(for: request.query, ttl: 0), rcode: DNSRcode.nxDomain,
                source: .synthesized("pinhole doctor probe")))
    }
}
