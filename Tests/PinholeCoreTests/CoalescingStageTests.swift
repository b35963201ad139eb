import DNSWire
import Foundation
import Testing
@testable import PinholeCore

@Suite struct CoalescingStageTests {
    private func answer(_ request: QueryRequest) throws -> QueryResult {
        let response = try Fixtures.answer(to: request.query)
        return QueryResult(wire: response.wire, rcode: response.rcode, source: .upstream("u"), upstreamResponse: response)
    }

    @Test func identicalConcurrentQueriesShareOneTrip() throws {
        let next = HeldHandler()
        let stage = CoalescingStage(next: next)
        let responses = Responses()
        let queries = try (0..<10).map { try Fixtures.query(id: UInt16(100 + $0)) }
        DispatchQueue.concurrentPerform(iterations: queries.count) { i in
            stage.handle(Fixtures.request(queries[i]), respond: responses.respond)
        }
        #expect(next.heldCount == 1)
        #expect(responses.all.isEmpty)
        #expect(stage.inFlight == 1)

        try next.releaseAll(answer)
        let results = responses.all
        #expect(results.count == 10)
        #expect(Set(results.map { Fixtures.id($0.wire) }) == Set(100..<110))
        for result in results {
            #expect(Array(result.wire[2...]) == Array(results[0].wire[2...]))
        }
        // Only the leader's result carries the parsed reply, so the cache stage
        // above inserts it once, not once per waiter.
        #expect(results.filter { $0.upstreamResponse != nil }.count == 1)
        #expect(stage.inFlight == 0)

        // Once answered, the same question makes a new trip.
        stage.handle(Fixtures.request(try Fixtures.query(id: 7)), respond: responses.respond)
        #expect(next.heldCount == 1)
        #expect(stage.inFlight == 1)
    }

    @Test func differentQuestionsFlagsOrTransportsAreNotCoalesced() throws {
        let next = HeldHandler()
        let stage = CoalescingStage(next: next)
        let responses = Responses()
        let requests = [
            Fixtures.request(try Fixtures.query("a.example.com")),
            Fixtures.request(try Fixtures.query("b.example.com")),
            Fixtures.request(try Fixtures.query("a.example.com", type: DNSType.aaaa)),
            Fixtures.request(try Fixtures.query("a.example.com", edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))),
            Fixtures.request(try Fixtures.query("a.example.com"), transport: .tcp),
            Fixtures.request(try Fixtures.query("A.EXAMPLE.COM", id: 99)),  // same as the first
        ]
        for request in requests {
            stage.handle(request, respond: responses.respond)
        }
        #expect(next.heldCount == 5)
        try next.releaseAll(answer)
        #expect(responses.all.count == 6)
        // The waiter spelled its name differently; its reply echoes its own spelling.
        let waiter = try #require(responses.all.first { Fixtures.id($0.wire) == 99 })
        let query = requests[5].query
        let nameEnd = 12 + query.question.name.count
        #expect(Array(waiter.wire[12..<nameEnd]) == Array(query.wire[12..<nameEnd]))
    }
}
