import DNSWire
import Foundation
import Testing
import TestSupport

/// What the cache keeps and serves, seen from a client of the real daemon.
@Suite struct CacheBehaviourTests {
    /// A reply that carries the query's EDNS options back, as an upstream that
    /// implements cookies echoes the client cookie.
    static func echoingOptions(_ request: FakeUpstream.Request) -> FakeUpstream.Action {
        guard let query = request.query, let opt = query.optOffset else { return .drop }
        let name = DNSName.text(fromWire: query.question.name)
        let reply = DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.44", ttl: 300)])
        // The query's OPT record: root (1) type (2) class (2) ttl (4) rdlength (2) options.
        let options = Array(query.wire[(opt + 11)...])
        var parsed: [(code: UInt16, data: [UInt8])] = []
        var pos = 0
        while pos + 4 <= options.count {
            let code = UInt16(options[pos]) << 8 | UInt16(options[pos + 1])
            let length = Int(options[pos + 2]) << 8 | Int(options[pos + 3])
            parsed.append((code, Array(options[(pos + 4)..<min(pos + 4 + length, options.count)])))
            pos += 4 + length
        }
        return .reply(EDNSOptions.adding(parsed, to: reply))
    }

    static func cookieQuery(id: UInt16, clientCookie: [UInt8]) throws -> [UInt8] {
        let query = try DNSMessageBuilder.query(
            id: id, name: "cookie.example.com", type: DNSType.a, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        return EDNSOptions.adding([(code: DNSResponse.EDNSOption.cookie, data: clientCookie)], to: query)
    }

    @Test func oneClientsCookieIsNeverServedToAnotherFromTheCache() throws {
        let upstream = try FakeUpstream(handler: Self.echoingOptions)
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let cookieA: [UInt8] = [1, 1, 1, 1, 1, 1, 1, 1]
        let cookieB: [UInt8] = [2, 2, 2, 2, 2, 2, 2, 2]
        let first = try #require(try RawDNSClient.udp(try Self.cookieQuery(id: 1, clientCookie: cookieA), to: daemon.listenAddress, port: daemon.listenPort))
        #expect(first.suffix(8) == ArraySlice(cookieA), "the asking client gets its own exchange's options")

        let second = try #require(try RawDNSClient.udp(try Self.cookieQuery(id: 2, clientCookie: cookieB), to: daemon.listenAddress, port: daemon.listenPort))
        #expect(upstream.udpQueryCount == 1, "the second answer comes from the cache")
        let parsed = try DNSResponse.parse(second)
        #expect(parsed.answerCount == 1)
        #expect(parsed.optionsRange?.isEmpty ?? true, "a cached reply carries no other client's cookie")
        #expect(!second.indices.dropLast(7).contains { Array(second[$0..<($0 + 8)]) == cookieA })
    }

    @Test func serveStaleAnswersFromAnExpiredEntryWhenUpstreamsFail() throws {
        let upstreamUp = Locked(true)
        let upstream = try FakeUpstream { request in
            guard upstreamUp.withLock({ $0 }), let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            return .reply(DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.55", ttl: 1)]))
        }
        let config = "[cache]\nserve_stale = true\n[upstream]\nattempt_timeout = \"300ms\"\ntimeout = \"600ms\"\n"
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: config)
        defer { daemon.stop(); upstream.stop() }
        let query = try DNSMessageBuilder.query(id: 3, name: "stale.example.com", type: DNSType.a)

        let fresh = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort))
        #expect(fresh.answerCount == 1)
        upstreamUp.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 1.5)  // the 1 s TTL runs out

        let stale = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 3))
        #expect(stale.rcode == DNSRcode.noError)
        #expect(stale.answerCount == 1)
        #expect(stale.ttlFields.first?.ttl == 30, "RFC 8767: stale answers carry a 30 s TTL")
        #expect(upstream.udpQueryCount >= 2, "the expired entry must have been asked upstream first")
    }

    @Test func withoutServeStaleAnExpiredEntryIsNotServed() throws {
        let upstreamUp = Locked(true)
        let upstream = try FakeUpstream { request in
            guard upstreamUp.withLock({ $0 }), let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            return .reply(DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.56", ttl: 1)]))
        }
        let config = "[upstream]\nattempt_timeout = \"300ms\"\ntimeout = \"600ms\"\n"
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)], configText: config)
        defer { daemon.stop(); upstream.stop() }
        let query = try DNSMessageBuilder.query(id: 4, name: "nostale.example.com", type: DNSType.a)

        _ = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort))
        upstreamUp.withLock { $0 = false }
        Thread.sleep(forTimeInterval: 1.5)
        let after = try Harness.parse(try RawDNSClient.udp(query, to: daemon.listenAddress, port: daemon.listenPort, timeout: 3))
        #expect(after.rcode == DNSRcode.servFail)
    }
}
