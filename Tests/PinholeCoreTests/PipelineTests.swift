import DNSWire
import Testing
@testable import PinholeCore

@Suite struct PipelineTests {
    @Test func firstQueryGoesUpstreamThenTheCacheAnswers() throws {
        let clock = FakeClock()
        let cache = DNSCache(now: clock.now)
        let upstream = StubUpstream.answering(ttl: 60)
        let pipeline = Pipeline.make(cache: cache, upstream: upstream)
        let responses = Responses()
        for id in UInt16(1)...3 {
            pipeline.handle(Fixtures.request(try Fixtures.query(id: id)), respond: responses.respond)
        }
        #expect(upstream.calls == 1)
        #expect(responses.all.map(\.source) == [.upstream("127.0.0.1:5353"), .cache, .cache])
        #expect(responses.all.map { Fixtures.id($0.wire) } == [1, 2, 3])
        clock.advance(seconds: 60)
        pipeline.handle(Fixtures.request(try Fixtures.query(id: 4)), respond: responses.respond)
        #expect(upstream.calls == 2)
    }
}
