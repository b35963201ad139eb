import DNSWire
import Foundation
import Testing
import TestSupport

/// The basic path: real pinholed between dig and an upstream.
@Suite(.enabled(if: Harness.hasDig, "dig/kdig not installed"))
struct ForwardingTests {
    @Test func answersOverUDPAndServesRepeatsFromTheCacheWithDecrementedTTL() throws {
        let dig = try Harness.dig()
        let upstream = try Harness.answeringUpstream(ttl: 300)
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let first = try dig.query("www.example.com", server: daemon.listenAddress, port: daemon.listenPort)
        #expect(first.status == "NOERROR", "\(first)")
        #expect(first.answerData == ["192.0.2.1"])
        #expect(first.flags.isSuperset(of: ["qr", "rd", "ra"]))
        #expect(upstream.udpQueryCount == 1)

        Thread.sleep(forTimeInterval: 2.1)
        let second = try dig.query("WWW.Example.COM", server: daemon.listenAddress, port: daemon.listenPort)
        #expect(second.answerData == ["192.0.2.1"], "\(second)")
        #expect(upstream.udpQueryCount == 1, "the repeat must come from the cache")
        let ttl = try #require(second.ttls.first)
        #expect(ttl <= 298 && ttl >= 290, "TTL decremented by the time in cache, got \(ttl)")
    }

    @Test func tcpClientsAreAnsweredAndForwardedOverTCP() throws {
        let dig = try Harness.dig()
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let result = try dig.query("tcp.example.com", server: daemon.listenAddress, port: daemon.listenPort, options: ["+tcp"])
        #expect(result.status == "NOERROR", "\(result)")
        #expect(result.answerData == ["192.0.2.1"])
        #expect(upstream.tcpQueryCount == 1)
        #expect(upstream.udpQueryCount == 0)
    }

    @Test func ipv6ListenerAnswers() throws {
        let dig = try Harness.dig()
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(address: "::1", upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let result = try dig.query("v6.example.com", "AAAA", server: "::1", port: daemon.listenPort)
        #expect(result.status == "NOERROR", "\(result)")
        #expect(result.answerData == ["2001:db8::1"])
    }

    @Test func theQueryReachesTheUpstreamUnchangedButForItsID() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        // EDNS with DO, CD and AD set, an unknown type, and an EDNS option (NSID, empty).
        var query = try DNSMessageBuilder.query(
            id: 0x1234, name: "Mixed.Example.org", type: 65400, checkingDisabled: true,
            edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: true))
        query[3] |= 0x20  // AD
        let reply = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort))
        #expect(reply.id == 0x1234)
        #expect(reply.rcode == DNSRcode.noError)

        let seen = try #require(upstream.receivedQueries.first)
        #expect(seen.count == query.count)
        #expect(Array(seen[2...]) == Array(query[2...]), "only the ID may differ")
        let parsed = try DNSQuery.parse(seen)
        #expect(parsed.checkingDisabled)
        #expect(parsed.authenticData)
        #expect(parsed.edns?.dnssecOK == true)
        #expect(parsed.question.type == 65400)
    }

    @Test func doAndCDVariantsAreCachedApart() throws {
        let dig = try Harness.dig()
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let server = daemon.listenAddress, port = daemon.listenPort
        _ = try dig.query("variant.example.com", server: server, port: port)
        _ = try dig.query("variant.example.com", server: server, port: port, options: ["+dnssec"])
        _ = try dig.query("variant.example.com", server: server, port: port, options: ["+cd"])
        _ = try dig.query("variant.example.com", server: server, port: port, options: ["+noedns"])
        #expect(upstream.udpQueryCount == 4, "plain, DO, CD and no-EDNS must not share a cache entry")
        _ = try dig.query("variant.example.com", server: server, port: port, options: ["+dnssec"])
        #expect(upstream.udpQueryCount == 4, "a repeat of a variant is a cache hit")
    }
}
