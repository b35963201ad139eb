import DNSWire
import Foundation
import Testing
import TestSupport

/// DNS over TCP: pipelining, idle and slow clients, the connection cap.
@Suite struct TCPBehaviourTests {
    @Test func pipelinedQueriesAreAnsweredAsTheyComplete() throws {
        // The first query is slow upstream, the second fast: the second's answer comes first.
        let upstream = try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            let reply = DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.9", ttl: 60)])
            return name.hasPrefix("slow") ? .delayed(milliseconds: 500, reply) : .reply(reply)
        }
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let connection = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        let slow = try DNSMessageBuilder.query(id: 1, name: "slow.example.com", type: DNSType.a)
        let fast = try DNSMessageBuilder.query(id: 2, name: "fast.example.com", type: DNSType.a)
        // Both in one segment.
        try connection.sendRaw([UInt8(slow.count >> 8), UInt8(slow.count & 0xFF)] + slow + [UInt8(fast.count >> 8), UInt8(fast.count & 0xFF)] + fast)
        let firstAnswer = try Harness.parse(try connection.receive())
        let secondAnswer = try Harness.parse(try connection.receive())
        #expect(firstAnswer.id == 2, "the fast query's answer must not wait for the slow one")
        #expect(secondAnswer.id == 1)
    }

    @Test func idleConnectionsAreClosedAfterTheIdleTimeout() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], configText: "[tcp]\nidle_timeout = \"1s\"\n")
        defer { daemon.stop(); upstream.stop() }

        let idle = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        let start = Date()
        #expect(idle.waitForClose(timeout: 4), "an idle client must be disconnected")
        #expect(Date().timeIntervalSince(start) > 0.8)

        // A slow client that sends half a length prefix and stops is dropped the same way.
        let slow = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        try slow.sendRaw([0x00])
        #expect(slow.waitForClose(timeout: 4), "a stalled client must be disconnected")
    }

    @Test func connectionsBeyondTheCapAreRefused() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], configText: "[tcp]\nmax_connections = 3\n")
        defer { daemon.stop(); upstream.stop() }

        let held = try (0..<3).map { _ in try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort) }
        // Make sure the three are accepted before the fourth arrives.
        for (index, connection) in held.enumerated() {
            try connection.send(try DNSMessageBuilder.query(id: UInt16(index), name: "held.example.com", type: DNSType.a))
            #expect(try connection.receive() != nil)
        }
        let extra = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        #expect(extra.waitForClose(timeout: 3), "the fourth connection must be closed at once")

        // After one closes, a new one is served again.
        held[0].close()
        Thread.sleep(forTimeInterval: 0.3)
        let next = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        try next.send(try DNSMessageBuilder.query(id: 9, name: "again.example.com", type: DNSType.a))
        #expect(try next.receive() != nil)
    }
}
