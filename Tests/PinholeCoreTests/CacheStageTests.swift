import DNSWire
import Testing
@testable import PinholeCore

@Suite struct CacheStageTests {
    let clock = FakeClock()

    @Test func missGoesToNextAndTheReplyIsCachedForTheNextQuery() throws {
        let cache = DNSCache(now: clock.now)
        let upstream = StubUpstream.answering(ttl: 300)
        let stage = CacheStage(cache: cache, next: ForwardStage(upstream: upstream))
        let responses = Responses()

        stage.handle(Fixtures.request(try Fixtures.query(id: 1)), respond: responses.respond)
        clock.advance(seconds: 5)
        stage.handle(Fixtures.request(try Fixtures.query(id: 2)), respond: responses.respond)

        #expect(upstream.calls == 1)
        let results = responses.all
        #expect(results.map(\.source) == [.upstream("127.0.0.1:5353"), .cache])
        #expect(results.map { Fixtures.id($0.wire) } == [1, 2])
        #expect(try Fixtures.ttls(results[1].wire) == [295])
        #expect(results[1].rcode == DNSRcode.noError)
    }

    @Test func cachedNxdomainKeepsItsRcode() throws {
        let cache = DNSCache(now: clock.now)
        let next = StubHandler { request in
            let response = try! Fixtures.empty(to: request.query, rcode: DNSRcode.nxDomain, authority: [Fixtures.soa()])
            return QueryResult(wire: response.wire, rcode: response.rcode, source: .upstream("u"), upstreamResponse: response)
        }
        let stage = CacheStage(cache: cache, next: next)
        let responses = Responses()
        stage.handle(Fixtures.request(try Fixtures.query("gone.example.com")), respond: responses.respond)
        stage.handle(Fixtures.request(try Fixtures.query("gone.example.com")), respond: responses.respond)
        #expect(next.calls == 1)
        #expect(responses.all.last?.source == .cache)
        #expect(responses.all.last?.rcode == DNSRcode.nxDomain)
    }

    @Test func hitEchoesTheQuestionAsTheClientSpelledIt() throws {
        let cache = DNSCache(now: clock.now)
        let stage = CacheStage(cache: cache, next: ForwardStage(upstream: StubUpstream.answering()))
        let responses = Responses()
        stage.handle(Fixtures.request(try Fixtures.query("www.example.com")), respond: responses.respond)
        let mixed = try Fixtures.query("wWw.ExAmple.com")
        stage.handle(Fixtures.request(mixed), respond: responses.respond)

        let hit = try #require(responses.all.last)
        #expect(hit.source == .cache)
        let nameEnd = 12 + mixed.question.name.count
        #expect(Array(hit.wire[12..<nameEnd]) == Array(mixed.wire[12..<nameEnd]))
    }

    @Test func upstreamFailureServesStaleOnlyWhenEnabled() throws {
        for serveStale in [false, true] {
            let cache = DNSCache(settings: CacheSettings(serveStale: serveStale), now: clock.now)
            let query = try Fixtures.query(id: 0x5151)
            cache.insert(CacheKey(query: query), response: try Fixtures.answer(to: query, ttls: [60]))
            clock.advance(seconds: 120)
            let stage = CacheStage(cache: cache, next: ForwardStage(upstream: StubUpstream.failing()))
            let responses = Responses()
            stage.handle(Fixtures.request(query), respond: responses.respond)

            let result = try #require(responses.all.first)
            if serveStale {
                #expect(result.source == .stale)
                #expect(result.rcode == DNSRcode.noError)
                #expect(Fixtures.id(result.wire) == 0x5151)
                #expect(try Fixtures.ttls(result.wire) == [30])
            } else {
                #expect(result.rcode == DNSRcode.servFail)
                #expect(result.source != .stale)
            }
        }
    }

    @Test func upstreamServfailIsPassedOnNotReplacedByStale() throws {
        // A SERVFAIL that an upstream sent is an answer, not a failure to get one.
        let cache = DNSCache(settings: CacheSettings(serveStale: true), now: clock.now)
        let query = try Fixtures.query()
        cache.insert(CacheKey(query: query), response: try Fixtures.answer(to: query, ttls: [60]))
        clock.advance(seconds: 61)
        let next = StubHandler { request in
            let response = try! Fixtures.empty(to: request.query, rcode: DNSRcode.servFail)
            return QueryResult(wire: response.wire, rcode: response.rcode, source: .upstream("u"), upstreamResponse: response)
        }
        let responses = Responses()
        CacheStage(cache: cache, next: next).handle(Fixtures.request(query), respond: responses.respond)
        #expect(responses.all.first?.source == .upstream("u"))
        #expect(responses.all.first?.rcode == DNSRcode.servFail)
    }
}
