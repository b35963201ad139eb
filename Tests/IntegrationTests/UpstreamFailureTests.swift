import DNSWire
import Foundation
import Testing
import TestSupport

/// Upstreams that are silent, lie, or send garbage.
@Suite(.enabled(if: Harness.hasDig, "dig/kdig not installed"))
struct UpstreamFailureTests {
    @Test func silentUpstreamFailsOverToTheNextOne() throws {
        let dig = try Harness.dig()
        let silent = try FakeUpstream { _ in .drop }
        let good = try Harness.answeringUpstream(address: "192.0.2.77")
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(silent), Harness.upstreamFlag(good)])
        defer { daemon.stop(); silent.stop(); good.stop() }

        let result = try dig.query("failover.example.com", server: daemon.listenAddress, port: daemon.listenPort)
        #expect(result.status == "NOERROR", "\(result)")
        #expect(result.answerData == ["192.0.2.77"])
        #expect(silent.udpQueryCount == 1)
        #expect(good.udpQueryCount == 1)
    }

    @Test func allUpstreamsSilentGivesServfailWithinTheBound() throws {
        let silent = try FakeUpstream { _ in .drop }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(silent)])
        defer { daemon.stop(); silent.stop() }

        let query = try DNSMessageBuilder.query(id: 99, name: "timeout.example.com", type: DNSType.a)
        let start = Date()
        let reply = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 5))
        let elapsed = Date().timeIntervalSince(start)
        #expect(reply.rcode == DNSRcode.servFail)
        #expect(reply.id == 99)
        #expect(elapsed < 2.6, "SERVFAIL must come within upstream.timeout (2 s), took \(elapsed) s")
    }

    @Test func garbageFromUpstreamBecomesServfailNeverBadData() throws {
        let garbage = try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            // Right ID and question, then an A record whose rdata is 3 bytes.
            var reply = DNSMessageBuilder.reply(to: query, answers: [.raw(DNSName.text(fromWire: query.question.name), DNSType.a, [1, 2, 3], ttl: 60)])
            reply[0] = query.wire[0]
            reply[1] = query.wire[1]
            return .reply(reply)
        }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(garbage)])
        defer { daemon.stop(); garbage.stop() }

        let query = try DNSMessageBuilder.query(id: 5, name: "garbage.example.com", type: DNSType.a)
        let reply = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 5))
        #expect(reply.rcode == DNSRcode.servFail)
        #expect(reply.answerCount == 0)
    }

    @Test func repliesWithTheWrongIDOrQuestionAreIgnored() throws {
        let tricky = try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            let good = DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.10", ttl: 60)])
            var wrongID = DNSMessageBuilder.reply(to: query, answers: [.a(name, "203.0.113.66", ttl: 60)])
            wrongID[0] ^= 0xFF
            // The right ID but another question.
            let other = try! DNSQuery.parse(DNSMessageBuilder.query(id: query.id, name: "evil.example.net", type: DNSType.a))
            let wrongQuestion = DNSMessageBuilder.reply(to: other, answers: [.a("evil.example.net", "203.0.113.67", ttl: 60)])
            return .replies([wrongID, wrongQuestion, good])
        }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(tricky)])
        defer { daemon.stop(); tricky.stop() }

        let query = try DNSMessageBuilder.query(id: 6, name: "spoof.example.com", type: DNSType.a)
        let reply = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 5))
        #expect(reply.rcode == DNSRcode.noError)
        #expect(reply.answerCount == 1)
        #expect(reply.wire.suffix(4) == [192, 0, 2, 10], "the answer must be the matching reply's")
    }

    @Test func identicalOutstandingQueriesShareOneUpstreamQuery() throws {
        let slow = try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            return .delayed(milliseconds: 400, DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.5", ttl: 60)]))
        }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(slow)])
        defer { daemon.stop(); slow.stop() }

        let address = daemon.listenAddress, port = daemon.listenPort
        let ids = Array(UInt16(100)..<UInt16(120))
        let replies = Locked<[UInt16: DNSResponse]>([:])
        DispatchQueue.concurrentPerform(iterations: ids.count) { index in
            let id = ids[index]
            let query = try! DNSMessageBuilder.query(id: id, name: "together.example.com", type: DNSType.a)
            if let bytes = try? RawDNSClient.udp(query, to: address, port: port, timeout: 5), let parsed = try? DNSResponse.parse(bytes) {
                replies.withLock { $0[id] = parsed }
            }
        }
        let got = replies.withLock { $0 }
        #expect(got.count == ids.count)
        for (id, reply) in got {
            #expect(reply.id == id)
            #expect(reply.answerCount == 1)
        }
        #expect(slow.udpQueryCount == 1, "20 identical queries in flight must cost one upstream query")
    }

    @Test func negativeAnswersAreCachedPerTheirSOA() throws {
        let dig = try Harness.dig()
        let upstream = try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            return .reply(
                DNSMessageBuilder.reply(
                    to: query, rcode: DNSRcode.nxDomain,
                    authority: [
                        .soa("example.com", mname: "ns.example.com", rname: "hostmaster.example.com", serial: 1, refresh: 3600,
                             retry: 600, expire: 86400, minimum: 120, ttl: 300)
                    ]))
        }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let first = try dig.query("nothing.example.com", server: daemon.listenAddress, port: daemon.listenPort)
        #expect(first.status == "NXDOMAIN", "\(first)")
        let second = try dig.query("nothing.example.com", server: daemon.listenAddress, port: daemon.listenPort)
        #expect(second.status == "NXDOMAIN")
        #expect(upstream.udpQueryCount == 1, "NXDOMAIN with an SOA is cached (RFC 2308)")
    }
}
