import DNSWire
import Forwarder
import PinholeCore
import TestSupport
import Testing

@Suite("Forwarder over UDP")
struct ForwarderUDPTests {
    @Test("a normal answer comes back with the server's name")
    func normalAnswer() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1", ttl: 60)] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        let reply = try result.get()
        #expect(reply.server == "127.0.0.1:\(fake.port)")
        #expect(reply.response.answerCount == 1)
        #expect(reply.response.rcode == DNSRcode.noError)
        #expect(fake.udpQueryCount == 1)
        #expect(fake.tcpQueryCount == 0)
    }

    @Test("the upstream gets the client's bytes except the ID and the OPT payload size; DO/CD/EDNS pass")
    func queryBytesPreserved() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let query = try Fixtures.query(
            "MiXeD.Example.ORG", type: DNSType.aaaa, checkingDisabled: true,
            edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: true))
        _ = try await harness.resolve(query).get()
        try await harness.shutdown()

        let sent = try #require(fake.receivedQueries.first)
        #expect(sent.count == query.wire.count)
        let opt = try #require(query.optOffset)
        let payloadSize = Int(sent[opt + 3]) << 8 | Int(sent[opt + 4])
        #expect(payloadSize == 1232)
        let keep = Set(0..<query.wire.count).subtracting([0, 1, opt + 3, opt + 4])
        for i in keep.sorted() where sent[i] != query.wire[i] {
            Issue.record("byte \(i) changed: \(query.wire[i]) → \(sent[i])")
        }
        let parsed = try DNSQuery.parse(sent)
        #expect(parsed.checkingDisabled)
        #expect(parsed.recursionDesired)
        #expect(parsed.edns?.dnssecOK == true)
        #expect(parsed.edns?.version == 0)
    }

    @Test("a query without EDNS is forwarded without OPT")
    func noEDNSStaysWithout() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let query = try Fixtures.query()
        _ = try await harness.resolve(query).get()
        try await harness.shutdown()

        let sent = try #require(fake.receivedQueries.first)
        #expect(Array(sent.dropFirst(2)) == Array(query.wire.dropFirst(2)))
        #expect(try DNSQuery.parse(sent).edns == nil)
    }

    @Test("every query goes out with a fresh ID and from a fresh source port")
    func freshIDsAndPorts() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let query = try Fixtures.query()
        for _ in 0..<20 { _ = try await harness.resolve(query).get() }
        try await harness.shutdown()

        let ids = fake.receivedQueries.map { UInt16($0[0]) << 8 | UInt16($0[1]) }
        #expect(ids.count == 20)
        // 20 draws out of 65536 (or of ~28000 ports) collide rarely: allow two.
        #expect(Set(ids).count >= 18)
        #expect(Set(fake.receivedFrom).count >= 18)
        #expect(ids.filter { $0 == query.id }.count <= 2)
    }

    @Test("a reply with the wrong ID is ignored and the right one used")
    func wrongIDIgnored() async throws {
        let fake = try FakeUpstream { request in
            let query = request.query!
            let wrong = DNSMessageBuilder.withID(
                DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "203.0.113.66")]), query.id &+ 1)
            let right = DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "192.0.2.1")])
            return .replies([wrong, right])
        }
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        let wire = try #require(Fixtures.wire(result))
        let sent = try DNSQuery.parse(try #require(fake.receivedQueries.first))
        #expect(wire == DNSMessageBuilder.reply(to: sent, answers: [.a("www.example.com", "192.0.2.1")]))
    }

    @Test("a reply for another question (same ID) is ignored; a case-changed question is accepted")
    func wrongQuestionIgnored() async throws {
        let fake = try FakeUpstream { request in
            let query = request.query!
            let other = try! DNSQuery.parse(DNSMessageBuilder.query(id: query.id, name: "evil.example.com", type: DNSType.a))
            let wrongName = DNSMessageBuilder.reply(to: other, answers: [.a("evil.example.com", "203.0.113.66")])
            let otherType = try! DNSQuery.parse(DNSMessageBuilder.query(id: query.id, name: "www.example.com", type: DNSType.txt))
            let wrongType = DNSMessageBuilder.reply(to: otherType)
            // Same question in other letter case (as with 0x20 randomisation): accepted.
            let upper = try! DNSQuery.parse(DNSMessageBuilder.query(id: query.id, name: "WWW.EXAMPLE.COM", type: DNSType.a))
            let right = DNSMessageBuilder.reply(to: upper, answers: [.a("www.example.com", "192.0.2.1")])
            return .replies([wrongName, wrongType, right])
        }
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query("www.Example.com"))
        try await harness.shutdown()

        let reply = try result.get()
        #expect(reply.response.answerCount == 1)
        #expect(reply.response.question == (try Fixtures.query()).question)
        #expect(reply.response.wire.count > 12 && reply.response.wire[12 + 1] == UInt8(ascii: "W"))
    }

    @Test("a reply from another port of the server's address is ignored")
    func otherPortIgnored() async throws {
        let spoofer = try DatagramSocket()
        defer { spoofer.close() }
        let fake = try FakeUpstream { request in
            let query = request.query!
            let spoof = DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "203.0.113.66")])
            try? spoofer.send(spoof, to: request.peer)
            return .delayed(milliseconds: 50, DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "192.0.2.1")]))
        }
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let result = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        let wire = try #require(Fixtures.wire(result))
        let sent = try DNSQuery.parse(try #require(fake.receivedQueries.first))
        #expect(wire == DNSMessageBuilder.reply(to: sent, answers: [.a("www.example.com", "192.0.2.1")]))
    }

    @Test("a matching but malformed reply fails that server: the next one answers")
    func garbageFailsOver() async throws {
        let bad = try FakeUpstream { request in
            .reply(DNSMessageBuilder.reply(to: request.query!, answers: [.a("www.example.com", "192.0.2.9")]) + [0xDE, 0xAD])
        }
        defer { bad.stop() }
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let harness = try ForwarderHarness(servers: [bad, good], attemptMs: 1000, totalMs: 3000)
        let started = Fixtures.nowMs()
        let result = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        try await harness.shutdown()

        #expect(try result.get().server == "127.0.0.1:\(good.port)")
        #expect(bad.udpQueryCount == 1)
        #expect(elapsed < 1000, "failover after a bad reply must not wait for the attempt timeout")
    }

    @Test("only malformed replies: the query fails with .failed, without waiting")
    func allGarbageFails() async throws {
        let bad = try FakeUpstream { request in .reply(DNSMessageBuilder.reply(to: request.query!) + [0x00]) }
        defer { bad.stop() }
        let harness = try ForwarderHarness(servers: [bad], attemptMs: 1000, totalMs: 3000)
        let started = Fixtures.nowMs()
        let result = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        try await harness.shutdown()

        let error = try #require(Fixtures.error(result))
        #expect(error.kind == .failed)
        #expect(error.message.contains("127.0.0.1:\(bad.port)"))
        #expect(elapsed < 1000)
    }

    @Test("silence from server 1: server 2 answers after the attempt timeout, and is tried first next time")
    func silenceFailsOver() async throws {
        let silent = try FakeUpstream { _ in .drop }
        defer { silent.stop() }
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let harness = try ForwarderHarness(servers: [silent, good], attemptMs: 200, totalMs: 2000)
        let started = Fixtures.nowMs()
        let first = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        let second = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        #expect(try first.get().server == "127.0.0.1:\(good.port)")
        #expect(elapsed >= 190)
        #expect(try second.get().server == "127.0.0.1:\(good.port)")
        #expect(silent.udpQueryCount == 1, "the second query must start at the server that answered")
        #expect(good.udpQueryCount == 2)
    }

    @Test("all servers silent: .timeout within the total timeout")
    func allSilentTimesOut() async throws {
        let one = try FakeUpstream { _ in .drop }
        defer { one.stop() }
        let two = try FakeUpstream { _ in .drop }
        defer { two.stop() }
        let harness = try ForwarderHarness(servers: [one, two], attemptMs: 150, totalMs: 600)
        let started = Fixtures.nowMs()
        let result = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        try await harness.shutdown()

        let error = try #require(Fixtures.error(result))
        #expect(error.kind == .timeout)
        #expect(elapsed >= 590 && elapsed <= 600 + 200, "elapsed \(elapsed) ms")
        // Timed-out servers are retried in turn while time remains (4 attempts in 600 ms).
        #expect(one.udpQueryCount + two.udpQueryCount == 4)
        #expect(one.udpQueryCount >= 1 && two.udpQueryCount >= 1)
    }

    @Test("a server whose port is closed (ICMP unreachable) is skipped at once")
    func unreachableSkipped() async throws {
        let closed = try FakeUpstream { _ in .drop }
        closed.stop()
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let harness = try ForwarderHarness(
            upstreams: [UpstreamServer(address: "127.0.0.1", port: Int(closed.port)),
                        UpstreamServer(address: good.address, port: Int(good.port))],
            attemptMs: 1000, totalMs: 3000)
        let started = Fixtures.nowMs()
        let result = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        try await harness.shutdown()

        #expect(try result.get().server == "127.0.0.1:\(good.port)")
        #expect(elapsed < 1000)
    }

    @Test("no servers: .noServers")
    func noServers() async throws {
        let harness = try ForwarderHarness(upstreams: [])
        let result = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()
        #expect(Fixtures.error(result)?.kind == .noServers)
    }

    @Test("beyond maxOutstanding a query fails at once")
    func maxOutstandingFailsFast() async throws {
        let silent = try FakeUpstream { _ in .drop }
        defer { silent.stop() }
        let harness = try ForwarderHarness(servers: [silent], attemptMs: 300, totalMs: 300, maxOutstanding: 1)
        let query = try Fixtures.query()
        async let first = harness.resolve(query)
        // Let the first one get in flight.
        while silent.udpQueryCount == 0 { try await Task.sleep(for: .milliseconds(5)) }
        let started = Fixtures.nowMs()
        let second = await harness.resolve(try Fixtures.query())
        let elapsed = Fixtures.nowMs() - started
        let firstResult = await first
        // Once the first has ended, there is room again.
        let third = await harness.resolve(try Fixtures.query())
        try await harness.shutdown()

        #expect(Fixtures.error(second)?.kind == .failed)
        #expect(elapsed < 100)
        #expect(Fixtures.error(firstResult)?.kind == .timeout)
        #expect(Fixtures.error(third)?.kind == .timeout)
        #expect(silent.udpQueryCount >= 2)
    }

    @Test("invalid settings are rejected with a message naming the server")
    func invalidSettings() {
        #expect(throws: ForwarderConfigError.self) {
            _ = try ForwarderHarness(upstreams: [UpstreamServer(address: "dns.example", port: 53)])
        }
        #expect(UpstreamServer(address: "::1", port: 5353).description == "[::1]:5353")
        #expect(UpstreamServer(address: "127.0.0.1", port: 53).description == "127.0.0.1:53")
    }
}
