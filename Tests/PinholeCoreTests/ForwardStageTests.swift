import DNSWire
import Testing
@testable import PinholeCore

@Suite struct ForwardStageTests {
    @Test func answersWithTheUpstreamReplyUnderTheClientsID() throws {
        let upstream = StubUpstream.answering()
        let responses = Responses()
        let query = try Fixtures.query(id: 0x0102)
        ForwardStage(upstream: upstream).handle(Fixtures.request(query), respond: responses.respond)

        let result = try #require(responses.all.first)
        #expect(responses.all.count == 1)
        #expect(Fixtures.id(result.wire) == 0x0102)
        #expect(result.rcode == DNSRcode.noError)
        #expect(result.source == .upstream("127.0.0.1:5353"))
        let upstreamResponse = try #require(result.upstreamResponse)
        #expect(upstreamResponse.id == 0x7777)
        #expect(Array(result.wire[2...]) == Array(upstreamResponse.wire[2...]))
    }

    @Test func upstreamFailureBecomesServfail() throws {
        let responses = Responses()
        let query = try Fixtures.query(id: 0x0A0B, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        ForwardStage(upstream: StubUpstream.failing()).handle(Fixtures.request(query), respond: responses.respond)

        let result = try #require(responses.all.first)
        #expect(result.rcode == DNSRcode.servFail)
        #expect(result.upstreamResponse == nil)
        guard case .synthesized(let why) = result.source else {
            Issue.record("source is \(result.source), expected synthesized")
            return
        }
        #expect(why.contains("upstream failed"))
        #expect(why.contains("timed out"))
        let reply = try DNSResponse.parse(result.wire)
        #expect(reply.id == 0x0A0B)
        #expect(reply.rcode == DNSRcode.servFail)
        #expect(reply.question == query.question)
    }
}
