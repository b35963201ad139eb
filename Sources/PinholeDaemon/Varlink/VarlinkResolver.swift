import DNSWire
import Glibc
import PinholeCore
import Synchronization

/// Answers the io.systemd.Resolve calls by sending DNS queries through the
/// same pipeline as the UDP and TCP listeners (policy, cache/forward, pin,
/// log), with transport `varlink` and the caller's attribution already set.
struct VarlinkResolver: Sendable {
    typealias Reply = Result<[String: JSONValue], VarlinkError>

    let pipeline: any QueryHandler
    /// The domains appended to single-label names (see `HostnameCandidates`),
    /// normalized; asked per call, since a reload may change them (`SearchDomainSource`).
    var search: @Sendable () -> [String] = { [] }
    /// Whether an interface index names an interface (if_indextoname in the daemon).
    var interfaceExists: @Sendable (Int32) -> Bool = VarlinkResolver.interfaceExists

    /// Answers `call` (an io.systemd.Resolve method) for `attribution`;
    /// `completion` runs once, on any thread.
    func answer(_ call: VarlinkCall, attribution: Attribution, completion: @escaping @Sendable (Reply) -> Void) {
        do throws(VarlinkError) {
            switch call.method.dropFirst(ResolveInterface.name.count + 1) {
            case "ResolveHostname":
                let parameters = try ResolveParameters.hostname(call.parameters)
                try checkInterface(parameters.ifindex)
                if let address = IPAddress(parameters.name), let literal = ResolveReplies.literal(address, family: parameters.family) {
                    return completion(literal)
                }
                if let local = ResolveReplies.localhost(parameters.name, family: parameters.family) { return completion(local) }
                let types: [UInt16] = switch parameters.family {
                case ResolveParameters.afInet: [DNSType.a]
                case ResolveParameters.afInet6: [DNSType.aaaa]
                default: [DNSType.a, DNSType.aaaa]
                }
                let candidates = HostnameCandidates.names(for: parameters.name, searchDomains: search(), flags: parameters.flags)
                try resolveFirst(candidates[...], types: types, attribution: attribution) { name, outcomes in
                    completion(ResolveReplies.hostname(outcomes, name: name, family: parameters.family))
                }
            case "ResolveAddress":
                let parameters = try ResolveParameters.address(call.parameters)
                try checkInterface(ResolveParameters.common(call.parameters).ifindex)
                let name = ResolveReplies.reverseName(parameters.address)
                try resolve(name, types: [DNSType.ptr], attribution: attribution) { outcomes in
                    completion(ResolveReplies.address(outcomes[0], query: name))
                }
            case "ResolveRecord":
                // No search domains and no IDNA here: resolved asks exactly the given name.
                let parameters = try ResolveParameters.record(call.parameters)
                try checkInterface(ResolveParameters.common(call.parameters).ifindex)
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

    /// Asks the first of `names` for `types`, and the next one while the
    /// outcomes hold no answer (NXDOMAIN, another RCODE, a failure, a
    /// block): as systemd-resolved walks its search domains, it stops at
    /// the first name that exists, even without records of these types.
    /// `completion` gets the name that ended the walk and its outcomes.
    private func resolveFirst(
        _ names: ArraySlice<String>, types: [UInt16], attribution: Attribution,
        completion: @escaping @Sendable (String, [ResolveOutcome]) -> Void
    ) throws(VarlinkError) {
        let name = names.first!
        let rest = names.dropFirst()
        try resolve(name, types: types, attribution: attribution) { outcomes in
            let exists = outcomes.contains { if case .records = $0 { true } else { false } }
            guard !exists, !rest.isEmpty else { return completion(name, outcomes) }
            do throws(VarlinkError) {
                try resolveFirst(rest, types: types, attribution: attribution, completion: completion)
            } catch {
                completion(name, outcomes)
            }
        }
    }

    /// A lookup scoped to interface `ifindex`: pinholed has no per-link
    /// servers, so it asks its own upstreams for any interface that exists
    /// and, like resolved for a link without DNS, has no servers for one that does not.
    private func checkInterface(_ ifindex: Int32) throws(VarlinkError) {
        guard ifindex != 0, !interfaceExists(ifindex) else { return }
        var error = VarlinkError.noNameServers
        error.detail = "ifindex \(ifindex) names no interface"
        throw error
    }

    /// if_indextoname: whether the kernel knows interface `index`.
    static func interfaceExists(_ index: Int32) -> Bool {
        var name = [CChar](repeating: 0, count: Int(IF_NAMESIZE) + 1)
        return if_indextoname(UInt32(index), &name) != nil
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

extension VarlinkResolver {
    /// A resolver whose search domains never change.
    init(pipeline: any QueryHandler, searchDomains: [String]) {
        self.init(pipeline: pipeline, search: { searchDomains })
    }
}
