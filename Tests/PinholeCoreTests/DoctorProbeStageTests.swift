import DNSWire
import Testing
@testable import PinholeCore

/// `pinhole doctor`'s probe names are answered NXDOMAIN by pinholed itself
/// and never reach the stages below (cache, upstream); other names do.
@Suite struct DoctorProbeStageTests {
    @Test(arguments: ["x1f3.pinhole-doctor.invalid", "A.B.Pinhole-Doctor.INVALID", "pinhole-doctor.invalid"])
    func probeNamesAreAnsweredNXDOMAINWithoutForwarding(name: String) throws {
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let stage = DoctorProbeStage(next: next)
        let query = try Fixtures.query(name)
        let responses = Responses()

        stage.handle(Fixtures.request(query), respond: responses.respond)

        #expect(next.calls == 0)
        let result = try #require(responses.all.first)
        #expect(responses.all.count == 1 && result.rcode == DNSRcode.nxDomain)
        #expect(result.source == .synthesized("pinhole doctor probe"))
        let reply = try DNSResponse.parse(result.wire)
        #expect(reply.rcode == DNSRcode.nxDomain && reply.id == query.id)
    }

    @Test(arguments: ["example.com", "pinhole-doctor.invalid.example", "xpinhole-doctor.invalid", "other.invalid"])
    func otherNamesGoOn(name: String) throws {
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let responses = Responses()
        DoctorProbeStage(next: next).handle(Fixtures.request(try Fixtures.query(name)), respond: responses.respond)
        #expect(next.calls == 1 && responses.all.first?.rcode == DNSRcode.noError)
    }

    @Test func thePipelineLogsTheProbeWithItsAttributionAndNeverAsksTheUpstream() throws {
        let sink = RecordingSink()
        let upstream = StubUpstream.answering()
        let handler = Pipeline.make(cache: DNSCache(settings: CacheSettings(), now: { 0 }), upstream: upstream, resolver: StubResolver(.attributed(StubResolver.identity, socket: nil)), log: sink)
        let responses = Responses()
        handler.handle(Fixtures.request(try Fixtures.query("r4nd0m.pinhole-doctor.invalid")), respond: responses.respond)
        #expect(responses.all.first?.rcode == DNSRcode.nxDomain)
        #expect(upstream.calls == 0)
        let entry = try #require(sink.entries.first)
        #expect(entry.attribution.app?.pid == StubResolver.identity.pid && entry.rcode == DNSRcode.nxDomain)
    }
}
