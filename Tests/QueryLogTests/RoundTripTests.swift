import DNSWire
import Foundation
import PinholeCore
import Testing
@testable import QueryLog

@Suite struct RoundTripTests {
    @Test func everyFieldOfAnAttributedBlockedQuerySurvives() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        let facts = AnswerFacts(
            aliases: [PolicyName("edge.cdn.example.net")!, PolicyName("a1.cdn.example.net")!],
            addresses: [IPAddress("192.0.2.7")!, IPAddress("2001:db8::7")!, IPAddress("198.51.100.1")!])
        let decision = PolicyDecision(
            allowed: false, profile: "firefox", mode: .enforce,
            reason: .cname(name: "edge.cdn.example.net", because: .init(.rule(RuleHit(
                kind: .profileDeny, rule: "cdn.example.net", source: RuleSource(file: "/etc/pinhole/apps.d/firefox.toml", line: 4))))),
            reply: .nxdomain, considered: [])
        writer.record(try LogFixtures.entry(
            "WWW.Example.COM", type: DNSType.aaaa, transport: .tcp, rcode: 3, source: .upstream("192.0.2.53:53"),
            decision: decision, facts: facts, latencyNanoseconds: 2_345_678), atMilliseconds: LogFixtures.noon + 5)
        writer.close()
        #expect(writer.counters.written == 1)

        let rows = try QueryLogReader(path: directory.database).entries()
        let row = try #require(rows.first)
        #expect(rows.count == 1)
        #expect(row.milliseconds == LogFixtures.noon + 5)
        #expect(row.appKey == "app-firefox.scope")
        #expect(row.pid == 4242)
        #expect(row.uid == 1000)
        #expect(row.userName == "alice")
        #expect(row.executable == "/usr/lib/firefox/firefox")
        #expect(row.executableState == .present)
        #expect(row.unit == "user@1000.service")
        #expect(row.userUnit == "app-firefox-1234.scope")
        #expect(row.slice == "app.slice")
        #expect(row.cgroupPath == "/user.slice/user-1000.slice/user@1000.service/app.slice/app-firefox-1234.scope")
        #expect(row.flatpakID == nil)
        #expect(row.snapName == nil)
        #expect(row.commandLine == ["/usr/lib/firefox/firefox", "--new-window", "a b"])
        #expect(row.ancestors == [ProcessAncestor(pid: 1, name: "systemd")])
        #expect(row.unattributed == nil)
        #expect(row.name == "www.example.com")
        #expect(row.registrableDomain == "example.com")
        #expect(row.qtype == DNSType.aaaa)
        #expect(row.rcode == 3)
        #expect(row.decision == .blocked)
        let reason = try #require(row.reason)
        #expect(reason.kind == "cname")
        #expect(reason.text == decision.reason.description)
        #expect(reason.profile == "firefox")
        #expect(reason.mode == "enforce")
        #expect(reason.rule == "cdn.example.net")
        #expect(reason.file == "/etc/pinhole/apps.d/firefox.toml")
        #expect(reason.line == 4)
        #expect(reason.list == nil)
        #expect(row.addresses == facts.addresses.sorted { $0.bytes.count < $1.bytes.count })
        #expect(row.cnameChain == ["edge.cdn.example.net", "a1.cdn.example.net"])
        #expect(row.source == "upstream 192.0.2.53:53")
        #expect(row.latencyMicroseconds == 2_345)
        #expect(row.cached == false)
        #expect(row.transport == .tcp)
    }

    @Test func anUnattributedCachedQueryKeepsItsReasonAndSocketUid() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        writer.record(try LogFixtures.entry("example.org", app: nil, source: .cache, facts: AnswerFacts()), atMilliseconds: LogFixtures.noon)
        writer.close()
        let row = try #require(try QueryLogReader(path: directory.database).entries().first)
        #expect(row.appKey == "unknown")
        #expect(row.unattributed == .exited)
        #expect(row.pid == 0)
        #expect(row.uid == 1001)
        #expect(row.executable == nil)
        #expect(row.decision == .none)
        #expect(row.reason == nil)
        #expect(row.addresses.isEmpty)
        #expect(row.cnameChain.isEmpty)
        #expect(row.cached)
        #expect(row.source == "cache")
        #expect(row.transport == .udp)
    }

    @Test func addressBlobsRoundTripMixedFamilies() {
        let addresses = [IPAddress("10.0.0.1")!, IPAddress("::1")!, IPAddress("255.255.255.255")!]
        let decoded = AddressBlob.decode(AddressBlob.encode(addresses))
        #expect(decoded == [IPAddress("10.0.0.1")!, IPAddress("255.255.255.255")!, IPAddress("::1")!])
        #expect(AddressBlob.encode([]) == nil)
        #expect(AddressBlob.decode(nil).isEmpty)
    }

    @Test func anUpstreamReplyIsParsedForItsFactsByTheWriter() throws {
        let directory = TemporaryDirectory()
        let writer = LogFixtures.writer(directory)
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: "www.example.com", type: DNSType.a))
        let reply = try DNSResponse.parse(DNSMessageBuilder.reply(to: query, answers: [ResourceRecord.a("www.example.com", "192.0.2.9", ttl: 60)]))
        var entry = try LogFixtures.entry()
        entry.answerFacts = nil
        entry.upstreamResponse = reply
        writer.record(entry, atMilliseconds: LogFixtures.noon)
        writer.close()
        let row = try #require(try QueryLogReader(path: directory.database).entries().first)
        #expect(row.addresses == [IPAddress("192.0.2.9")!])
    }
}
