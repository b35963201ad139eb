import DNSWire
import Synchronization
import Testing
@testable import PinholeCore

@Suite struct QueryLogStageTests {
    @Test func everyAnswerIsRecordedWithItsAttributionRcodeAndLatency() throws {
        let sink = RecordingSink()
        let ticks = Atomic<UInt64>(1_000)
        // Each read of the clock moves it by 250 ns: start and end differ by one step.
        let now: @Sendable () -> UInt64 = { ticks.add(250, ordering: .relaxed).newValue }
        let stage = QueryLogStage(sink: sink, now: now, next: StubHandler.answering(rcode: DNSRcode.nxDomain))
        var request = Fixtures.request(try Fixtures.query("Www.Example.com", type: DNSType.aaaa))
        request.attribution = .attributed(StubResolver.identity, socket: nil)
        let responses = Responses()

        stage.handle(request, respond: responses.respond)

        #expect(responses.all.count == 1)
        let entry = try #require(sink.entries.first)
        #expect(sink.entries.count == 1)
        #expect(entry.attribution.app?.pid == 4242)
        #expect(entry.rcode == DNSRcode.nxDomain)
        #expect(entry.latencyNanoseconds == 250)
        #expect(entry.questionName.lowercased() == "www.example.com.")
        #expect(entry.request.query.question.type == DNSType.aaaa)
    }

    @Test func withoutAttributionTheEntrySaysDisabled() throws {
        let sink = RecordingSink()
        let stage = QueryLogStage(sink: sink, now: { 0 }, next: StubHandler.answering(rcode: DNSRcode.noError))
        stage.handle(Fixtures.request(try Fixtures.query()), respond: Responses().respond)
        #expect(sink.entries.first?.attribution == .unknown(.disabled))
    }

    @Test func aDisabledSinkGetsNothingButQueriesAreStillAnswered() throws {
        let sink = RecordingSink(enabled: false)
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let stage = QueryLogStage(sink: sink, now: { 0 }, next: next)
        let responses = Responses()
        stage.handle(Fixtures.request(try Fixtures.query()), respond: responses.respond)
        #expect(responses.all.count == 1 && next.calls == 1)
        #expect(sink.entries.isEmpty)
    }

    @Test func thePipelineAttributesBeforeItLogs() throws {
        let sink = RecordingSink()
        let resolver = StubResolver(.attributed(StubResolver.identity, socket: nil))
        let pipeline = Pipeline.make(
            cache: DNSCache(now: FakeClock().now), upstream: StubUpstream.answering(ttl: 300), resolver: resolver,
            log: sink)
        pipeline.handle(Fixtures.request(try Fixtures.query()), respond: Responses().respond)
        #expect(resolver.requests.count == 1)
        #expect(sink.entries.first?.attribution.appKey == "app-a.scope")
        #expect(sink.entries.first?.source == .upstream("127.0.0.1:5353"))
    }

    @Test func theEntryCarriesTheAnswerAddressesFromTheUpstreamReplyAndThenFromTheCache() throws {
        let sink = RecordingSink()
        let pipeline = Pipeline.make(
            cache: DNSCache(now: FakeClock().now), upstream: StubUpstream.answering(ttl: 300),
            resolver: StubResolver(.attributed(StubResolver.identity, socket: nil)), log: sink)
        pipeline.handle(Fixtures.request(try Fixtures.query()), respond: Responses().respond)
        pipeline.handle(Fixtures.request(try Fixtures.query()), respond: Responses().respond)
        #expect(sink.entries.count == 2)
        #expect(sink.entries.first?.upstreamResponse != nil)
        #expect(sink.entries.last?.source == .cache)
        #expect(sink.entries.last?.answerFacts != nil)
        #expect(sink.entries.map(\.answer.addresses) == [[IPAddress("192.0.2.1")!], [IPAddress("192.0.2.1")!]])
    }
}
