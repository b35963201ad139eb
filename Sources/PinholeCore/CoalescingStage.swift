import DNSWire
import Synchronization

/// Lets identical outstanding queries share one trip to `next`: the first
/// one goes through, later ones with the same question, flags and transport
/// wait for its result and get a copy with their own ID.
///
/// The transport is part of the key because a reply fetched for a UDP
/// client may differ (truncation) from one fetched for a TCP client.
public final class CoalescingStage: QueryHandler {
    /// The stage that resolves the first of each group of identical queries.
    public let next: any QueryHandler
    private let pending = Mutex<[Key: [Waiter]]>([:])

    private struct Key: Hashable {
        var cacheKey: CacheKey
        var transport: ClientTransport
    }

    private struct Waiter {
        var query: DNSQuery
        var respond: @Sendable (QueryResult) -> Void
    }

    /// A stage in front of `next`.
    public init(next: any QueryHandler) {
        self.next = next
    }

    /// Number of distinct queries in flight (for tests and statistics).
    public var inFlight: Int { pending.withLock { $0.count } }

    /// Forwards `request` unless an identical one is in flight, in which
    /// case it waits for that one's result.
    public func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        let key = Key(cacheKey: CacheKey(query: request.query), transport: request.transport)
        let isFirst = pending.withLock { pending in
            if pending[key] != nil {
                pending[key]!.append(Waiter(query: request.query, respond: respond))
                return false
            }
            pending[key] = []
            return true
        }
        guard isFirst else { return }
        next.handle(request) { result in
            let waiters = self.pending.withLock { $0.removeValue(forKey: key) } ?? []
            respond(result)
            for waiter in waiters {
                var shared = result
                // The leader's result already carries the parsed reply for the
                // cache; the copies need not insert it again.
                shared.upstreamResponse = nil
                DNSMessageBuilder.setID(&shared.wire, waiter.query.id)
                ReplyEditing.echoQuestionCase(of: waiter.query.wire, into: &shared.wire)
                waiter.respond(shared)
            }
        }
    }
}
