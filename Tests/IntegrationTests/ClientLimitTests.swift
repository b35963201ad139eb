import DNSWire
import Foundation
import Testing
import TestSupport

/// Caps on what one client may have in flight, and several listeners.
@Suite struct ClientLimitTests {
    /// Answers every query after `milliseconds`.
    static func slowUpstream(milliseconds: Int) throws -> FakeUpstream {
        try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            let name = DNSName.text(fromWire: query.question.name)
            return .delayed(milliseconds: milliseconds, DNSMessageBuilder.reply(to: query, answers: [.a(name, "192.0.2.3", ttl: 60)]))
        }
    }

    @Test func aUDPClientBeyondItsOutstandingCapIsRefusedAtOnce() throws {
        let upstream = try Self.slowUpstream(milliseconds: 600)
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], configText: "[tcp]\nmax_outstanding_per_client = 2\n")
        defer { daemon.stop(); upstream.stop() }

        let client = try DatagramSocket()
        defer { client.close() }
        let server = try PosixSocketAddress(address: daemon.listenAddress, port: daemon.listenPort)
        for index in 0..<4 {
            try client.send(try DNSMessageBuilder.query(id: UInt16(index), name: "q\(index).example.com", type: DNSType.a), to: server)
        }
        var rcodes: [UInt16: UInt16] = [:]
        while rcodes.count < 4, let (bytes, _) = client.receive(timeoutMs: 3000) {
            let reply = try DNSResponse.parse(bytes)
            rcodes[reply.id] = reply.rcode
        }
        #expect(rcodes.count == 4, "every query gets an answer: \(rcodes)")
        #expect(rcodes.values.filter { $0 == DNSRcode.refused }.count == 2, "\(rcodes)")
        #expect(rcodes.values.filter { $0 == DNSRcode.noError }.count == 2, "\(rcodes)")
        #expect(upstream.udpQueryCount == 2)

        // Another client socket is not held back by the first one's queue.
        let other = try Harness.parse(
            try RawDNSClient.udp(try DNSMessageBuilder.query(id: 9, name: "other.example.com", type: DNSType.a), to: daemon.listenAddress, port: daemon.listenPort))
        #expect(other.rcode == DNSRcode.noError)
    }

    @Test func aTCPClientBeyondItsCapWaitsInsteadOfBeingDropped() throws {
        let upstream = try Self.slowUpstream(milliseconds: 400)
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], configText: "[tcp]\nmax_outstanding_per_client = 2\n")
        defer { daemon.stop(); upstream.stop() }

        let connection = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort, timeout: 5)
        var burst: [UInt8] = []
        for index in 0..<5 {
            let query = try DNSMessageBuilder.query(id: UInt16(index), name: "t\(index).example.com", type: DNSType.a)
            burst += [UInt8(query.count >> 8), UInt8(query.count & 0xFF)] + query
        }
        try connection.sendRaw(burst)
        // Wait for the first two to reach the upstream (attributing a new
        // client can take a moment on a busy machine), then check no third
        // follows while the upstream still holds them (400 ms each).
        let deadline = Date().addingTimeInterval(5)
        while upstream.tcpQueryCount < 2, Date() < deadline { Thread.sleep(forTimeInterval: 0.01) }
        Thread.sleep(forTimeInterval: 0.1)
        #expect(upstream.tcpQueryCount == 2, "only two of the client's queries may be in flight")
        var ids: Set<UInt16> = []
        for _ in 0..<5 {
            let reply = try Harness.parse(try connection.receive())
            #expect(reply.rcode == DNSRcode.noError)
            ids.insert(reply.id)
        }
        #expect(ids == Set(0..<5), "all five are answered in the end")
    }

    @Test func everyListenAddressAnswers() throws {
        let upstream = try Harness.answeringUpstream()
        let secondPort = try FreePort.find(address: "127.0.0.1")
        let daemon = try DaemonProcess(
            upstreams: [Harness.upstreamFlag(upstream)], arguments: ["--listen", "127.0.0.1:\(secondPort)"])
        defer { daemon.stop(); upstream.stop() }

        for port in [daemon.listenPort, secondPort] {
            let reply = try Harness.parse(
                try RawDNSClient.udp(try DNSMessageBuilder.query(id: 1, name: "multi.example.com", type: DNSType.a), to: "127.0.0.1", port: port))
            #expect(reply.answerCount == 1, "listener on port \(port)")
        }
    }
}
