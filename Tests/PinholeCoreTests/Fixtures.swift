import DNSWire
import Synchronization
@testable import PinholeCore

/// A monotonic clock the tests move by hand.
final class FakeClock: Sendable {
    private let milliseconds = Atomic<UInt64>(1_000_000)

    var now: @Sendable () -> UInt64 { { self.milliseconds.load(ordering: .relaxed) } }

    func advance(milliseconds delta: UInt64) {
        milliseconds.add(delta, ordering: .relaxed)
    }

    func advance(seconds: UInt64) {
        advance(milliseconds: seconds * 1000)
    }
}

/// Builders for the queries and upstream replies the tests feed in.
enum Fixtures {
    static func query(
        _ name: String = "www.example.com", type: UInt16 = DNSType.a, id: UInt16 = 0x1234,
        checkingDisabled: Bool = false, edns: EDNSInfo? = nil
    ) throws -> DNSQuery {
        try DNSQuery.parse(DNSMessageBuilder.query(
            id: id, name: name, type: type, checkingDisabled: checkingDisabled, edns: edns))
    }

    static func request(_ query: DNSQuery, transport: ClientTransport = .udp) -> QueryRequest {
        QueryRequest(query: query, transport: transport, client: ClientEndpoint(address: "127.0.0.1", port: 40000))
    }

    /// NOERROR with A records of the given TTLs.
    static func answer(to query: DNSQuery, ttls: [UInt32] = [300], authority: [ResourceRecord] = [],
                       additional: [ResourceRecord] = [], truncated: Bool = false) throws -> DNSResponse {
        let name = DNSName.text(fromWire: query.question.name)
        let answers = ttls.enumerated().map { index, ttl in
            ResourceRecord.a(name, "192.0.2.\(index + 1)", ttl: ttl)
        }
        return try DNSResponse.parse(DNSMessageBuilder.reply(
            to: query, answers: answers, authority: authority, additional: additional, truncated: truncated))
    }

    static func soa(_ zone: String = "example.com", ttl: UInt32 = 3600, minimum: UInt32 = 300) -> ResourceRecord {
        ResourceRecord.soa(
            zone, mname: "ns1.\(zone)", rname: "hostmaster.\(zone)", serial: 1,
            refresh: 7200, retry: 900, expire: 1_209_600, minimum: minimum, ttl: ttl)
    }

    /// A reply with no answers and the given RCODE and authority records.
    static func empty(to query: DNSQuery, rcode: UInt16, authority: [ResourceRecord] = []) throws -> DNSResponse {
        try DNSResponse.parse(DNSMessageBuilder.reply(to: query, rcode: rcode, authority: authority))
    }

    /// Every TTL in a served reply, as the parser reads them back.
    static func ttls(_ wire: [UInt8]) throws -> [UInt32] {
        try DNSResponse.parse(wire).ttlFields.map(\.ttl)
    }

    static func id(_ wire: [UInt8]) -> UInt16 {
        UInt16(wire[0]) << 8 | UInt16(wire[1])
    }
}

/// Collects what handlers respond, from any thread.
final class Responses: Sendable {
    private let results = Mutex<[QueryResult]>([])

    var all: [QueryResult] { results.withLock { $0 } }

    var respond: @Sendable (QueryResult) -> Void { { result in self.results.withLock { $0.append(result) } } }
}
