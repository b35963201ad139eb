import DNSWire
import Synchronization
@testable import PinholeCore

/// A `next` stage that answers each request with whatever `answer` returns,
/// and counts its calls.
final class StubHandler: QueryHandler {
    private let answer: @Sendable (QueryRequest) -> QueryResult
    private let requests = Mutex<[QueryRequest]>([])

    init(answer: @escaping @Sendable (QueryRequest) -> QueryResult) {
        self.answer = answer
    }

    var calls: Int { requests.withLock { $0.count } }
    /// The requests handled so far, in order.
    var received: [QueryRequest] { requests.withLock { $0 } }

    func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        requests.withLock { $0.append(request) }
        respond(answer(request))
    }

    /// A stage answering every query with an empty reply of `rcode`.
    static func answering(rcode: UInt16) -> StubHandler {
        StubHandler { request in
            let response = try! Fixtures.empty(to: request.query, rcode: rcode)
            return QueryResult(wire: response.wire, rcode: rcode, source: .upstream("stub"), upstreamResponse: response)
        }
    }
}

/// A `next` stage that holds every request until the test releases it.
final class HeldHandler: QueryHandler {
    private let held = Mutex<[(QueryRequest, @Sendable (QueryResult) -> Void)]>([])

    /// Requests waiting for `releaseAll`.
    var heldCount: Int { held.withLock { $0.count } }
    var requests: [QueryRequest] { held.withLock { $0.map(\.0) } }

    func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
        held.withLock { $0.append((request, respond)) }
    }

    /// Answers every held request with `answer(request)`.
    func releaseAll(_ answer: (QueryRequest) throws -> QueryResult) rethrows {
        let pending = held.withLock { held in
            defer { held.removeAll() }
            return held
        }
        for (request, respond) in pending {
            respond(try answer(request))
        }
    }
}

/// An `Upstream` answering from a closure, counting its calls.
final class StubUpstream: Upstream {
    private let reply: @Sendable (DNSQuery) -> Result<UpstreamReply, UpstreamError>
    private let count = Atomic<Int>(0)

    init(reply: @escaping @Sendable (DNSQuery) -> Result<UpstreamReply, UpstreamError>) {
        self.reply = reply
    }

    var calls: Int { count.load(ordering: .relaxed) }

    func resolve(
        _ query: DNSQuery, transport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    ) {
        count.add(1, ordering: .relaxed)
        completion(reply(query))
    }

    /// Answers each query with A records, as an upstream would (its own ID).
    static func answering(ttl: UInt32 = 300) -> StubUpstream {
        StubUpstream { query in
            var upstreamQuery = query
            upstreamQuery.wire = DNSMessageBuilder.withID(query.wire, 0x7777)
            upstreamQuery.id = 0x7777
            let response = try! Fixtures.answer(to: upstreamQuery, ttls: [ttl])
            return .success(UpstreamReply(response: response, server: "127.0.0.1:5353"))
        }
    }

    static func failing() -> StubUpstream {
        StubUpstream { _ in .failure(UpstreamError(.timeout, "127.0.0.1:5353: timed out after 2 s")) }
    }
}
