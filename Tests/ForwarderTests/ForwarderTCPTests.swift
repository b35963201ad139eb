import DNSWire
import Forwarder
import PinholeCore
import TestSupport
import Testing

@Suite("Forwarder over TCP")
struct ForwarderTCPTests {
    @Test("TC=1 over UDP: the same server is asked again over TCP and its full answer used")
    func truncatedRetriesOverTCP() async throws {
        let fake = try FakeUpstream { request in
            let query = request.query!
            switch request.transport {
            case .udp: return .reply(DNSMessageBuilder.reply(to: query, truncated: true))
            case .tcp: return .reply(DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "192.0.2.1")]))
            }
        }
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        let reply = try result.get()
        #expect(!reply.response.truncated)
        #expect(reply.response.answerCount == 1)
        #expect(fake.udpQueryCount == 1)
        #expect(fake.tcpQueryCount == 1)
        let udpID = fake.receivedQueries[0].prefix(2)
        let tcpID = fake.receivedQueries[1].prefix(2)
        #expect(Array(fake.receivedQueries[0].dropFirst(2)) == Array(fake.receivedQueries[1].dropFirst(2)))
        _ = (udpID, tcpID)
    }

    @Test("a TCP client is forwarded over TCP directly")
    func tcpClientGoesTCP() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let query = try Fixtures.query(edns: EDNSInfo(udpPayloadSize: 1400, dnssecOK: true))
        let result = await harness.resolve(query, transport: .tcp)
        try await harness.shutdown()

        #expect(try result.get().response.answerCount == 1)
        #expect(fake.udpQueryCount == 0)
        #expect(fake.tcpQueryCount == 1)
        let sent = try DNSQuery.parse(try #require(fake.receivedQueries.first))
        #expect(sent.question == query.question)
        #expect(sent.edns?.dnssecOK == true)
    }

    @Test("a 3000-byte answer arrives whole over TCP")
    func bigAnswerOverTCP() async throws {
        let chunk = String(repeating: "x", count: 200)
        let records: [ResourceRecord] = (0..<15).map { i in .txt("big.example.com", ["\(i)", chunk], ttl: 60) }
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in records })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query("big.example.com", type: DNSType.txt), transport: .tcp)
        try await harness.shutdown()

        let reply = try result.get()
        #expect(reply.response.wire.count > 3000)
        #expect(reply.response.answerCount == 15)
        let sent = try DNSQuery.parse(try #require(fake.receivedQueries.first))
        #expect(reply.response.wire == DNSMessageBuilder.reply(to: sent, answers: records))
    }

    @Test("a TCP server that closes without answering fails over to the next")
    func closedConnectionFailsOver() async throws {
        let closing = try FakeUpstream { _ in .closeConnection }
        defer { closing.stop() }
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let harness = try ForwarderHarness(servers: [closing, good], attemptMs: 1000, totalMs: 3000)
        let started = Fixtures.nowMs()
        let result = await harness.resolve(try Fixtures.query(), transport: .tcp)
        let elapsed = Fixtures.nowMs() - started
        try await harness.shutdown()

        #expect(try result.get().server == "127.0.0.1:\(good.port)")
        #expect(closing.tcpQueryCount == 1)
        #expect(elapsed < 1000)
    }

    @Test("a TCP server that stays silent times out; the next server is asked exactly once")
    func silentTCPFailsOverOnce() async throws {
        let silent = try FakeUpstream { _ in .drop }
        defer { silent.stop() }
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let harness = try ForwarderHarness(servers: [silent, good], attemptMs: 200, totalMs: 3000)
        let result = await harness.resolve(try Fixtures.query(), transport: .tcp)
        try await harness.shutdown()

        #expect(try result.get().server == "127.0.0.1:\(good.port)")
        #expect(silent.tcpQueryCount == 1)
        #expect(good.tcpQueryCount == 1, "closing the timed-out connection must not start a second attempt")
    }

    @Test("over TCP too, a reply with the wrong ID is ignored")
    func tcpWrongIDIgnored() async throws {
        let fake = try FakeUpstream { request in
            let query = request.query!
            let wrong = DNSMessageBuilder.withID(
                DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "203.0.113.66")]), query.id &+ 1)
            return .replies([wrong, DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "192.0.2.1")])])
        }
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query(), transport: .tcp)
        try await harness.shutdown()

        let sent = try DNSQuery.parse(try #require(fake.receivedQueries.first))
        #expect(Fixtures.wire(result) == DNSMessageBuilder.reply(to: sent, answers: [.a("www.example.com", "192.0.2.1")]))
    }
}
