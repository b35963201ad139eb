import DNSWire
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import PinholeCore
import QueryLog
import Synchronization
import Testing
@testable import PinholeDaemon

/// The control socket's handler on an in-memory channel, with injected peer
/// credentials: authorization, malformed and oversized requests, status,
/// the live stream and its bound.
@Suite struct ControlProtocolTests {
    /// Log lines the handler wrote.
    final class CapturedLog: @unchecked Sendable {
        let lines = Mutex<[String]>([])
        var all: [String] { lines.withLock { $0 } }
    }

    struct Capture: LogHandler {
        let log: CapturedLog
        var logLevel: Logger.Level = .trace
        var metadata: Logger.Metadata = [:]
        subscript(metadataKey key: String) -> Logger.Metadata.Value? {
            get { metadata[key] }
            set { metadata[key] = newValue }
        }
        func log(event: LogEvent) {
            let fields = (event.metadata ?? [:]).map { "\($0.key)=\($0.value)" }.sorted().joined(separator: " ")
            log.lines.withLock { $0.append("\(event.level) \(event.message) \(fields)") }
        }
    }

    static let member = PeerCredentials(pid: 10, uid: 1000, gid: 1000, groups: [27, 990])
    static let stranger = PeerCredentials(pid: 11, uid: 65534, gid: 65534, groups: [])

    let followers = QueryFollowers()
    let log = CapturedLog()

    func channel(peer: PeerCredentials, readerGroup: UInt32? = 990) throws -> EmbeddedChannel {
        let logger = Logger(label: "test") { _ in Capture(log: log) }
        let environment = ControlHandler.Environment(
            authorization: ControlAuthorization(readerGroup: readerGroup), followers: followers,
            status: {
                ControlStatus(
                    version: "9.9", pid: 77, uptimeSeconds: 3, queries: 42,
                    log: .init(enabled: true, path: "/tmp/q.sqlite", counters: QueryLogCounters(written: 40, dropped: 1, failed: 1)),
                    followers: 0, followDropped: 0)
            },
            registrableDomain: { name in name.split(separator: ".").suffix(2).joined(separator: ".") },
            credentials: { channel in channel.eventLoop.makeSucceededFuture(peer) }, logger: logger)
        let channel = EmbeddedChannel(handler: ControlHandler(environment))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func send(_ channel: EmbeddedChannel, _ text: String) throws {
        try channel.writeInbound(ByteBuffer(string: text))
        channel.embeddedEventLoop.run()
    }

    /// Every line written so far.
    func lines(_ channel: EmbeddedChannel) throws -> [String] {
        var text = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { text += buffer.readString(length: buffer.readableBytes) ?? "" }
        return text.split(separator: "\n").map(String.init)
    }

    static func entry(_ name: String) throws -> QueryLogEntry {
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 7, name: name, type: DNSType.a))
        var request = QueryRequest(query: query, transport: .udp, client: ClientEndpoint(address: "127.0.0.1", port: 40000))
        request.attribution = .unknown(.exited)
        return QueryLogEntry(
            request: request, rcode: 0, source: .cache, latencyNanoseconds: 2_000, answerFacts: AnswerFacts(addresses: [IPAddress("192.0.2.1")!]))
    }

    @Test func rootAndGroupMembersMayRead() {
        let auth = ControlAuthorization(readerGroup: 990)
        #expect(auth.allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
        #expect(auth.allows(Self.member))
        #expect(auth.allows(PeerCredentials(pid: 1, uid: 1000, gid: 990)))
        #expect(!auth.allows(Self.stranger))
        #expect(!ControlAuthorization(readerGroup: nil).allows(Self.member))
        #expect(ControlAuthorization(readerGroup: nil).allows(PeerCredentials(pid: 1, uid: 0, gid: 0)))
    }

    @Test func groupsComeFromProc() {
        let own = PeerCredentials.groups(pid: getpid())
        #expect(Set(own) == Set(Self.ownGroups()))
    }

    static func ownGroups() -> [UInt32] {
        var groups = [gid_t](repeating: 0, count: 256)
        let count = getgroups(256, &groups)
        return Array(groups.prefix(Int(max(0, count))))
    }

    @Test func aStrangerIsRefusedAndLogged() throws {
        let channel = try channel(peer: Self.stranger)
        try send(channel, "{\"op\":\"status\"}\n")
        #expect(try lines(channel) == [#"{"error":"permission denied"}"#])
        #expect(!channel.isActive)
        #expect(log.all.contains { $0.hasPrefix("warning control socket: permission denied") && $0.contains("uid=65534") })
    }

    @Test func statusAnswersWithCounters() throws {
        let channel = try channel(peer: Self.member)
        try send(channel, "{\"op\":\"status\"}\n")
        let reply = try #require(try lines(channel).first)
        let status = try JSONDecoder().decode(ControlStatus.self, from: Data(reply.utf8))
        #expect(status.queries == 42 && status.log.written == 40 && status.log.dropped == 1 && status.version == "9.9")
        #expect(reply.contains("\"uptime_seconds\":3"))
        #expect(channel.isActive)
    }

    @Test func malformedRequestsGetAnErrorLineAndTheConnectionStays() throws {
        let channel = try channel(peer: Self.member)
        for bad in ["nonsense\n", "{\"op\":\"delete\"}\n", "[1,2]\n", "{\"op\":\n", "\u{0}\u{1}\u{2}\n"] {
            try send(channel, bad)
            let reply = try lines(channel)
            #expect(reply.count == 1 && reply[0].hasPrefix(#"{"error":"malformed request"#), "\(bad): \(reply)")
        }
        // Split across reads, then a good one still works.
        try send(channel, "{\"op\":")
        try send(channel, "\"status\"}\n")
        #expect(try lines(channel).first?.contains("\"queries\":42") == true)
        #expect(channel.isActive)
    }

    @Test func anOversizedRequestIsRefusedAndClosed() throws {
        let channel = try channel(peer: Self.member)
        try send(channel, String(repeating: "x", count: ControlProtocol.maxRequestBytes + 10))
        #expect(try lines(channel) == [#"{"error":"request too large (at most 65536 bytes)"}"#])
        #expect(!channel.isActive)
    }

    @Test func aFollowerSeesQueriesFromThenOnInLoggedQueryForm() throws {
        followers.record(try Self.entry("before.example.com"))  // no follower yet: nobody sees it
        let channel = try channel(peer: Self.member)
        #expect(!followers.isEnabled)
        try send(channel, "{\"op\":\"follow\"}\n")
        #expect(followers.isEnabled && followers.followerCount == 1)
        followers.record(try Self.entry("www.example.com"))
        followers.record(try Self.entry("Mail.Example.ORG"))
        channel.embeddedEventLoop.run()
        let got = try lines(channel).map { try JSONDecoder().decode(LogRecord.self, from: Data($0.utf8)) }
        #expect(got.map(\.name) == ["www.example.com", "mail.example.org"])
        #expect(got.first?.registrable == "example.com" && got.first?.cached == true && got.first?.decision == "none")
        #expect(got.first?.addresses == ["192.0.2.1"] && got.first?.unattributed == "exited" && got.first?.type == "A")
        try channel.close().wait()
        #expect(!followers.isEnabled)
    }

    @Test func aSlowFollowerLosesTheOldestAndTheyAreCounted() throws {
        let loop = EmbeddedEventLoop()
        let woken = Atomic<Int>(0)
        let subscription = FollowSubscription(capacity: 3, eventLoop: loop) { woken.add(1, ordering: .relaxed) }
        for index in 0..<5 { subscription.push(try Self.entry("n\(index).example"), milliseconds: Int64(index)) }
        loop.run()
        #expect(woken.load(ordering: .relaxed) == 1)  // one wake per drain, not per entry
        #expect(subscription.dropped == 2)
        #expect(subscription.take(limit: 10).map(\.milliseconds) == [2, 3, 4])
        subscription.push(try Self.entry("n5.example"), milliseconds: 5)
        loop.run()
        #expect(woken.load(ordering: .relaxed) == 2)
    }

    @Test func theStreamIsWhatTheReaderWouldReturn() throws {
        let query = LoggedQuery(entry: try Self.entry("a.b.example.com"), milliseconds: 1_795_694_400_000) { _ in "example.com" }
        #expect(query.name == "a.b.example.com" && query.registrableDomain == "example.com" && query.decision == .none)
        #expect(query.appKey == "unknown" && query.pid == 0 && query.unattributed == .exited && query.source == "cache" && query.cached)
        #expect(query.latencyMicroseconds == 2 && query.transport == .udp && query.qtype == 1)
        let record = LogRecord(query)
        #expect(try JSONDecoder().decode(LogRecord.self, from: JSONEncoder().encode(record)) == record)
    }
}
