import DNSWire
import PinholeCore
import Synchronization

/// Answers the io.systemd.Resolve calls by sending DNS queries through the
/// same pipeline as the UDP and TCP listeners (policy, cache/forward, pin,
/// log), with transport `varlink` and the caller's attribution already set.
struct VarlinkResolver: Sendable {
    typealias Reply = Result<[String: JSONValue], VarlinkError>

    let pipeline: any QueryHandler

    /// Answers `call` (an io.systemd.Resolve method) for `attribution`;
    /// `completion` runs once, on any thread.
    func answer(_ call: VarlinkCall, attribution: Attribution, completion: @escaping @Sendable (Reply) -> Void) {
        do throws(VarlinkError) {
            switch call.method.dropFirst(ResolveInterface.name.count + 1) {
            case "ResolveHostname":
                let parameters = try ResolveParameters.hostname(call.parameters)
                if let address = IPAddress(parameters.name), let literal = ResolveReplies.literal(address, family: parameters.family) {
                    return completion(literal)
                }
                if let local = ResolveReplies.localhost(parameters.name, family: parameters.family) { return completion(local) }
                let types: [UInt16] = switch parameters.family {
                case ResolveParameters.afInet: [DNSType.a]
                case ResolveParameters.afInet6: [DNSType.aaaa]
                default: [DNSType.a, DNSType.aaaa]
                }
                try resolve(parameters.name, types: types, attribution: attribution) { outcomes in
                    completion(ResolveReplies.hostname(outcomes, name: parameters.name))
                }
            case "ResolveAddress":
                let parameters = try ResolveParameters.address(call.parameters)
                let name = ResolveReplies.reverseName(parameters.address)
                try resolve(name, types: [DNSType.ptr], attribution: attribution) { outcomes in
                    completion(ResolveReplies.address(outcomes[0], query: name))
                }
            case "ResolveRecord":
                let parameters = try ResolveParameters.record(call.parameters)
                try resolve(parameters.name, types: [parameters.type], rrclass: parameters.rrclass, attribution: attribution) { outcomes in
                    completion(ResolveReplies.record(outcomes[0], question: parameters))
                }
            default:
                throw .methodNotFound(call.method)
            }
        } catch {
            completion(.failure(error))
        }
    }

    /// Queries `name` for each of `types` at once; `completion` gets the
    /// outcomes in `types` order once all are in.
    private func resolve(
        _ name: String, types: [UInt16], rrclass: UInt16 = 1, attribution: Attribution,
        completion: @escaping @Sendable ([ResolveOutcome]) -> Void
    ) throws(VarlinkError) {
        var requests: [QueryRequest] = []
        for type in types {
            let query: DNSQuery
            do {
                query = try DNSQuery.parse(DNSMessageBuilder.query(id: UInt16.random(in: 0...UInt16.max), name: name, type: type, qclass: rrclass))
            } catch {
                throw .invalidParameter("name", because: "\(name.prefix(100)) cannot be asked: \(error)")
            }
            // The client endpoint is nominal: varlink has no address; the log
            // and policy go by the attribution.
            var request = QueryRequest(query: query, transport: .varlink, client: ClientEndpoint(ip: .v4(0x7F00_0001), port: 0))
            request.attribution = attribution
            requests.append(request)
        }
        let gathered = Outcomes(count: requests.count)
        for (index, request) in requests.enumerated() {
            pipeline.handle(request) { result in
                if let all = gathered.set(index, ResolveOutcome(result)) { completion(all) }
            }
        }
    }

    /// The outcomes of one call's queries as they arrive (on any thread).
    private final class Outcomes: Sendable {
        private let slots: Mutex<[ResolveOutcome?]>

        init(count: Int) {
            slots = Mutex(Array(repeating: nil, count: count))
        }

        /// Stores one; all of them once the last is in, else nil.
        func set(_ index: Int, _ outcome: ResolveOutcome) -> [ResolveOutcome]? {
            slots.withLock { slots in
                slots[index] = outcome
                return slots.contains(where: { $0 == nil }) ? nil : slots.compactMap { $0 }
            }
        }
    }
}
