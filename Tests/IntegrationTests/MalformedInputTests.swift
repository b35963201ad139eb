import DNSWire
import Foundation
import Testing
import TestSupport

/// Bytes no resolver should choke on, sent to the real daemon.
@Suite struct MalformedInputTests {
    @Test func badQueriesGetTheRightAnswerOrNone() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }
        let address = daemon.listenAddress, port = daemon.listenPort
        let good = try DNSMessageBuilder.query(id: 0x4242, name: "ok.example.com", type: DNSType.a)

        // Shorter than a header: no answer.
        #expect(try RawDNSClient.udp([1, 2, 3], to: address, port: port, timeout: 0.5) == nil)

        // QR=1 (a response): never answered, so reflection loops are impossible.
        var response = good
        response[2] |= 0x80
        #expect(try RawDNSClient.udp(response, to: address, port: port, timeout: 0.5) == nil)

        // Header fine, body cut short: FORMERR with the same ID.
        let cut = Array(good.prefix(good.count - 3))
        let formErr = try #require(try RawDNSClient.udp(cut, to: address, port: port))
        #expect(formErr[0] == 0x42 && formErr[1] == 0x42)
        #expect(formErr[3] & 0x0F == UInt8(DNSRcode.formErr))

        // qdcount = 2: FORMERR.
        var two = good
        two[5] = 2
        let twoReply = try #require(try RawDNSClient.udp(two, to: address, port: port))
        #expect(twoReply[3] & 0x0F == UInt8(DNSRcode.formErr))

        // qdcount = 0: FORMERR.
        var none = Array(good.prefix(12))
        none[5] = 0
        let noneReply = try #require(try RawDNSClient.udp(none, to: address, port: port))
        #expect(noneReply[3] & 0x0F == UInt8(DNSRcode.formErr))

        // Opcode 5 (UPDATE): NOTIMP.
        var update = good
        update[2] = (update[2] & 0x87) | (5 << 3)
        let updateReply = try #require(try RawDNSClient.udp(update, to: address, port: port))
        #expect(updateReply[3] & 0x0F == UInt8(DNSRcode.notImp))

        // EDNS version 1: BADVERS (16 = ext-rcode 1, header rcode 0).
        let v1 = try DNSMessageBuilder.query(
            id: 3, name: "ok.example.com", type: DNSType.a, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false, version: 1))
        let badVers = try Harness.parse(try RawDNSClient.udp(v1, to: address, port: port))
        #expect(badVers.rcode == 16)

        // Random garbage, many times, over UDP and TCP: the daemon stays up.
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let length = Int.random(in: 0...600, using: &generator)
            let junk = (0..<length).map { _ in UInt8.random(in: 0...255, using: &generator) }
            _ = try RawDNSClient.udp(junk, to: address, port: port, timeout: 0.01)
        }
        for _ in 0..<20 {
            let connection = try RawDNSClient.TCPConnection(address: address, port: port, timeout: 0.2)
            let junk = (0..<Int.random(in: 1...300)).map { _ in UInt8.random(in: 0...255) }
            try? connection.sendRaw(junk)
            _ = try? connection.receive()
            connection.close()
        }
        let after = try Harness.parse(try RawDNSClient.udp(good, to: address, port: port))
        #expect(after.rcode == DNSRcode.noError, "the daemon must still answer after the garbage")
        #expect(daemon.process.isRunning)
    }
}
