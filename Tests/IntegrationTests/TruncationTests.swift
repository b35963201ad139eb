import DNSWire
import Foundation
import Testing
import TestSupport

/// Big answers: TC from upstream, client buffer sizes, TCP fallback.
@Suite(.enabled(if: Harness.hasDig, "dig/kdig not installed"))
struct TruncationTests {
    /// 70 TXT records of 20 bytes: about 3.4 KB, too big for 512 and 1232, fits 4096.
    static func bigAnswer(_ query: DNSQuery) -> [ResourceRecord] {
        let name = DNSName.text(fromWire: query.question.name)
        return (0..<70).map { .txt(name, [String(format: "record-%03d-xxxxxxxxx", $0)], ttl: 300) }
    }

    /// Upstream that truncates over UDP (TC=1, no records) and answers in full over TCP.
    static func truncatingUpstream() throws -> FakeUpstream {
        try FakeUpstream { request in
            guard let query = request.query else { return .drop }
            if request.transport == .udp {
                return .reply(DNSMessageBuilder.reply(to: query, truncated: true))
            }
            return .reply(DNSMessageBuilder.reply(to: query, answers: bigAnswer(query)))
        }
    }

    @Test func upstreamTCIsRetriedOverTCPAndTheClientGetsTCThenTheFullAnswerOverTCP() throws {
        let dig = try Harness.dig()
        let upstream = try Self.truncatingUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        // dig retries over TCP by itself when it sees TC=1.
        let result = try dig.query("big.example.com", "TXT", server: daemon.listenAddress, port: daemon.listenPort, options: ["+bufsize=1232"])
        #expect(result.status == "NOERROR", "\(result)")
        #expect(result.answers.count == 70)
        #expect(result.output.contains("Truncated, retrying in TCP mode"), "the UDP reply must have been truncated")
        #expect(upstream.tcpQueryCount >= 1, "pinholed must retry the TC=1 upstream reply over TCP")
    }

    @Test func udpRepliesNeverExceedTheClientBuffer() throws {
        let upstream = try FakeUpstream(handler: FakeUpstream.answering(Self.bigAnswer))
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        // Without EDNS: 512 bytes at most, TC set, question kept.
        let plain = try DNSMessageBuilder.query(id: 7, name: "big.example.com", type: DNSType.txt)
        let small = try #require(try RawDNSClient.udp(plain, to: daemon.listenAddress, port: daemon.listenPort))
        #expect(small.count <= 512)
        let smallParsed = try DNSResponse.parse(small)
        #expect(smallParsed.truncated)
        #expect(smallParsed.question?.name == (try DNSName.wire(fromText: "big.example.com")))
        #expect(smallParsed.edns == nil)

        // EDNS 4096: the whole answer fits and comes back untruncated (from the cache now).
        let large = try DNSMessageBuilder.query(
            id: 8, name: "big.example.com", type: DNSType.txt, edns: EDNSInfo(udpPayloadSize: 4096, dnssecOK: false))
        let full = try Harness.parse(try RawDNSClient.udp(large, to: daemon.listenAddress, port: daemon.listenPort))
        #expect(!full.truncated)
        #expect(full.answerCount == 70)
        #expect(full.wire.count > 1232 && full.wire.count <= 4096)

        // EDNS 1232: truncated to fit, OPT kept.
        let medium = try DNSMessageBuilder.query(
            id: 9, name: "big.example.com", type: DNSType.txt, edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        let cut = try #require(try RawDNSClient.udp(medium, to: daemon.listenAddress, port: daemon.listenPort))
        #expect(cut.count <= 1232)
        let cutParsed = try DNSResponse.parse(cut)
        #expect(cutParsed.truncated)
        #expect(cutParsed.edns != nil)
    }

    @Test func bigAnswersComeWholeOverTCP() throws {
        let upstream = try FakeUpstream(handler: FakeUpstream.answering(Self.bigAnswer))
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { daemon.stop(); upstream.stop() }

        let connection = try RawDNSClient.TCPConnection(address: daemon.listenAddress, port: daemon.listenPort)
        try connection.send(try DNSMessageBuilder.query(id: 77, name: "big.example.com", type: DNSType.txt))
        let reply = try Harness.parse(try connection.receive())
        #expect(reply.id == 77)
        #expect(!reply.truncated)
        #expect(reply.answerCount == 70)
    }
}
