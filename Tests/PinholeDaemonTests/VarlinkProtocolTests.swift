import DNSWire
import Foundation
import Logging
import NIOCore
import NIOEmbedded
import PinholeCore
import Synchronization
import Testing
@testable import PinholeDaemon

/// The varlink handler on an in-memory channel with a scripted pipeline:
/// NUL framing, org.varlink.service, io.systemd.Resolve's parameters,
/// replies and errors as nss-resolve reads them, bad and oversized input.
@Suite struct VarlinkProtocolTests {
    /// A pipeline that answers from `answer` and remembers what it was asked.
    final class ScriptedPipeline: QueryHandler {
        let asked = Mutex<[QueryRequest]>([])
        let answer: @Sendable (QueryRequest) -> QueryResult

        init(answer: @escaping @Sendable (QueryRequest) -> QueryResult) {
            self.answer = answer
        }

        func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {
            asked.withLock { $0.append(request) }
            respond(answer(request))
        }

        var requests: [QueryRequest] { asked.withLock { $0 } }
    }

    static let caller = Attribution.attributed(
        AppIdentity(
            key: "app-a.scope", pid: 4242, startTime: 1, executable: "/usr/bin/getent", executableState: .present,
            commandLine: ["getent"], ancestors: [], uid: 1000, userName: "user", cgroupPath: "/app-a.scope",
            unit: "app-a.scope", userUnit: nil, slice: nil, flatpakID: nil, snapName: nil),
        socket: nil)

    /// Every name resolves: A 192.0.2.1, AAAA 2001:db8::1, PTR ptr.example, from upstream.
    static func upstreamAnswer(_ request: QueryRequest) -> QueryResult {
        let query = request.query
        let name = DNSName.text(fromWire: query.question.name)
        let answers: [ResourceRecord] = switch query.question.type {
        case DNSType.a: [.a(name, "192.0.2.1")]
        case DNSType.aaaa: [.aaaa(name, "2001:db8::1")]
        case DNSType.ptr: [.raw(name, DNSType.ptr, try! DNSName.wire(fromText: "ptr.example"))]
        default: []
        }
        return QueryResult(wire: DNSMessageBuilder.reply(to: query, answers: answers), rcode: 0, source: .upstream("192.0.2.53:53"))
    }

    func channel(
        _ pipeline: ScriptedPipeline = ScriptedPipeline(answer: upstreamAnswer), maxBytes: Int = 1024, resolver: VarlinkResolver? = nil
    ) throws -> EmbeddedChannel {
        let environment = VarlinkHandler.Environment(
            resolver: resolver ?? VarlinkResolver(pipeline: pipeline),
            attribute: { peer in peer.pid == 4242 ? Self.caller : .unknown(.exited) },
            peer: { channel in channel.eventLoop.makeSucceededFuture(VarlinkPeer(pid: 4242, uid: 1000, pidfd: nil)) },
            attributionQueue: nil,
            logger: Logger(label: "test"))
        let channel = EmbeddedChannel()
        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(VarlinkFrameDecoder(maxBytes: maxBytes)))
        try channel.pipeline.syncOperations.addHandler(VarlinkHandler(environment))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    /// Writes `messages`, each followed by NUL, as one chunk.
    func send(_ channel: EmbeddedChannel, _ messages: String...) throws {
        try channel.writeInbound(ByteBuffer(string: messages.map { $0 + "\u{0}" }.joined()))
        channel.embeddedEventLoop.run()
    }

    /// Every reply so far, parsed; fails when one does not end in NUL.
    func replies(_ channel: EmbeddedChannel) throws -> [[String: JSONValue]] {
        var bytes: [UInt8] = []
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { bytes += buffer.readBytes(length: buffer.readableBytes) ?? [] }
        guard !bytes.isEmpty else { return [] }
        #expect(bytes.last == 0, "a reply does not end in NUL")
        return try bytes.split(separator: 0).map { try #require(JSONDecoder().decode(JSONValue.self, from: Data($0)).object) }
    }

    func call(_ method: String, _ parameters: String = "{}") -> String {
        #"{"method":"\#(method)","parameters":\#(parameters)}"#
    }

    static func error(_ reply: [String: JSONValue]) -> String? {
        if case .string(let name)? = reply["error"] { return name }
        return nil
    }

    static func parameters(_ reply: [String: JSONValue]) -> [String: JSONValue] { reply["parameters"]?.object ?? [:] }

    // MARK: - Framing and org.varlink.service

    @Test func getInfoNamesBothInterfaces() throws {
        let channel = try channel()
        try send(channel, call("org.varlink.service.GetInfo"))
        let reply = try #require(try replies(channel).first)
        #expect(Self.error(reply) == nil)
        #expect(Self.parameters(reply)["interfaces"] == ["org.varlink.service", "io.systemd.Resolve"])
        #expect(Self.parameters(reply)["product"] == "pinholed")
    }

    @Test func interfaceDescriptionsAndUnknownInterfaces() throws {
        let channel = try channel()
        try send(
            channel, call("org.varlink.service.GetInterfaceDescription", #"{"interface":"io.systemd.Resolve"}"#),
            call("org.varlink.service.GetInterfaceDescription", #"{"interface":"com.example.Nope"}"#),
            call("com.example.Nope.Do"), call("io.systemd.Resolve.ResolveService"), call("org.varlink.service.Frobnicate"))
        let all = try replies(channel)
        #expect(all.count == 5)
        guard all.count == 5 else { return }
        guard case .string(let text)? = Self.parameters(all[0])["description"] else {
            Issue.record("no description: \(all[0])")
            return
        }
        #expect(text.hasPrefix("interface io.systemd.Resolve\n"))
        for method in ["method ResolveHostname(", "method ResolveAddress(", "method ResolveRecord(", "error DNSError("] {
            #expect(text.contains(method))
        }
        #expect(Self.error(all[1]) == "org.varlink.service.InterfaceNotFound" && Self.parameters(all[1])["interface"] == "com.example.Nope")
        #expect(Self.error(all[2]) == "org.varlink.service.InterfaceNotFound")
        #expect(Self.error(all[3]) == "org.varlink.service.MethodNotFound" && Self.parameters(all[3])["method"] == "io.systemd.Resolve.ResolveService")
        #expect(Self.error(all[4]) == "org.varlink.service.MethodNotFound")
    }

    @Test func aMessageSplitAcrossReadsAndTwoInOneReadAreAnsweredInOrder() throws {
        let channel = try channel()
        let whole = call("io.systemd.Resolve.ResolveHostname", #"{"name":"one.example","family":2}"#) + "\u{0}"
        let bytes = Array(whole.utf8)
        try channel.writeInbound(ByteBuffer(bytes: bytes[..<10]))
        #expect(try replies(channel).isEmpty)
        try channel.writeInbound(ByteBuffer(bytes: bytes[10...] + Array((call("org.varlink.service.GetInfo") + "\u{0}").utf8)))
        channel.embeddedEventLoop.run()
        let all = try replies(channel)
        #expect(all.count == 2)
        #expect(all.first.map(Self.parameters)?["name"] == "one.example" && all.last.map(Self.parameters)?["vendor"] == "pinhole")
    }

    @Test func malformedMessagesGetAnErrorAndTheConnectionStays() throws {
        let channel = try channel()
        for bad in ["nonsense", "[1,2]", #"{"method":3}"#, #"{"parameters":{}}"#, #"{"method":"x.Y","parameters":[]}"#,
                    #"{"method":"x.Y","oneway":"yes"}"#, String(repeating: "[", count: 900), "\u{1}\u{2}"] {
            try send(channel, bad)
            let reply = try replies(channel)
            #expect(reply.count == 1 && Self.error(reply[0]) == "org.varlink.service.InvalidParameter", "\(bad.prefix(30)): \(reply)")
        }
        #expect(channel.isActive)
        try send(channel, call("org.varlink.service.GetInfo"))
        #expect(try replies(channel).count == 1)
    }

    @Test func deeplyNestedJSONIsAnErrorNotAStackOverflow() throws {
        let channel = try channel(maxBytes: VarlinkMessage.maxMessageBytes)
        let depth = 30_000
        let nested = String(repeating: "[", count: depth) + String(repeating: "]", count: depth)
        try send(channel, #"{"method":"org.varlink.service.GetInfo","parameters":{"x":\#(nested)}}"#, String(repeating: "{\"a\":", count: 10_000) + "1" + String(repeating: "}", count: 10_000))
        let all = try replies(channel)
        #expect(all.count == 2 && all.allSatisfy { Self.error($0) == "org.varlink.service.InvalidParameter" }, "\(all)")
        #expect(channel.isActive)
    }

    @Test func anOversizedMessageGetsAnErrorAndTheConnectionCloses() throws {
        let channel = try channel(maxBytes: 1024)
        try channel.writeInbound(ByteBuffer(string: #"{"method":"org.varlink.service.GetInfo","parameters":{"x":""# + String(repeating: "a", count: 2000)))
        channel.embeddedEventLoop.run()
        let reply = try replies(channel)
        #expect(reply.count == 1 && Self.error(reply[0]) == "org.varlink.service.InvalidParameter")
        #expect(!channel.isActive)
    }

    @Test func onewayCallsGetNoReplyAndResolveNothing() throws {
        let pipeline = ScriptedPipeline(answer: Self.upstreamAnswer)
        let channel = try channel(pipeline)
        try send(channel, #"{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"a.example"},"oneway":true}"#,
                 #"{"method":"org.varlink.service.GetInfo","oneway":true}"#)
        #expect(try replies(channel).isEmpty && pipeline.requests.isEmpty)
    }

    @Test func anIdleConnectionIsClosedButNotOneWaitingForAnAnswer() throws {
        let idle = try channel()
        idle.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        idle.embeddedEventLoop.run()
        #expect(!idle.isActive)
        // A lookup still in flight (the pipeline never answers) keeps it open.
        let busy = try channel(resolver: VarlinkResolver(pipeline: StalledPipeline()))
        try send(busy, call("io.systemd.Resolve.ResolveHostname", #"{"name":"slow.example"}"#))
        busy.pipeline.fireUserInboundEventTriggered(IdleStateHandler.IdleStateEvent.read)
        busy.embeddedEventLoop.run()
        #expect(busy.isActive)
    }

    /// Never answers.
    struct StalledPipeline: QueryHandler {
        func handle(_ request: QueryRequest, respond: @escaping @Sendable (QueryResult) -> Void) {}
    }

    // MARK: - io.systemd.Resolve

    @Test func resolveHostnameAsksAAndAAAAAttributedAsVarlink() throws {
        let pipeline = ScriptedPipeline(answer: Self.upstreamAnswer)
        let channel = try channel(pipeline)
        try send(channel, #"{"method":"io.systemd.Resolve.ResolveHostname","parameters":{"name":"www.example.com","flags":0},"more":true}"#)
        let reply = try #require(try replies(channel).first)
        #expect(Self.error(reply) == nil && reply["continues"] == nil)
        let parameters = Self.parameters(reply)
        #expect(parameters["addresses"] == [
            ["family": 2, "address": [192, 0, 2, 1]],
            ["family": 10, "address": [32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
        ])
        #expect(parameters["name"] == "www.example.com")
        #expect(parameters["flags"] == .integer(ResolveOutcome.dnsFlag | ResolveOutcome.fromNetworkFlag))
        let asked = pipeline.requests
        #expect(asked.map(\.query.question.type).sorted() == [DNSType.a, DNSType.aaaa])
        #expect(asked.allSatisfy { $0.transport == .varlink && $0.attribution == Self.caller })
    }

    @Test func familyPicksOneTypeAndLiteralsNeedNoQuery() throws {
        let pipeline = ScriptedPipeline(answer: Self.upstreamAnswer)
        let channel = try channel(pipeline)
        try send(channel, call("io.systemd.Resolve.ResolveHostname", #"{"name":"v6.example","family":10}"#),
                 call("io.systemd.Resolve.ResolveHostname", #"{"name":"192.0.2.7"}"#),
                 call("io.systemd.Resolve.ResolveHostname", #"{"name":"192.0.2.7","family":10}"#))
        let all = try replies(channel)
        #expect(all.count == 3)
        guard all.count == 3 else { return }
        #expect(Self.parameters(all[0])["addresses"] == [["family": 10, "address": [32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]])
        #expect(Self.parameters(all[1])["addresses"] == [["family": 2, "address": [192, 0, 2, 7]]])
        #expect(Self.error(all[2]) == "io.systemd.Resolve.NoSuchResourceRecord")
        #expect(pipeline.requests.map(\.query.question.type) == [DNSType.aaaa])
    }

    @Test func localhostIsLoopbackWithoutAQuery() throws {
        let pipeline = ScriptedPipeline(answer: Self.upstreamAnswer)
        let channel = try channel(pipeline)
        try send(channel, call("io.systemd.Resolve.ResolveHostname", #"{"name":"LocalHost."}"#),
                 call("io.systemd.Resolve.ResolveHostname", #"{"name":"app.localhost","family":2}"#))
        let all = try replies(channel)
        #expect(all.count == 2)
        guard all.count == 2 else { return }
        #expect(Self.parameters(all[0])["addresses"] == [
            ["family": 2, "address": [127, 0, 0, 1]], ["family": 10, "address": [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]],
        ])
        #expect(Self.parameters(all[0])["name"] == "localhost" && Self.parameters(all[1])["name"] == "app.localhost")
        #expect(Self.parameters(all[1])["addresses"] == [["family": 2, "address": [127, 0, 0, 1]]])
        #expect(pipeline.requests.isEmpty)
    }

    @Test func badParametersAreNamed() throws {
        let channel = try channel()
        let cases: [(String, String, String)] = [
            ("ResolveHostname", "{}", "name"), ("ResolveHostname", #"{"name":7}"#, "name"),
            ("ResolveHostname", #"{"name":"a..b"}"#, "name"), ("ResolveHostname", #"{"name":"a.example","family":7}"#, "family"),
            ("ResolveHostname", #"{"name":"a.example","ifindex":-1}"#, "ifindex"), ("ResolveHostname", #"{"name":"a.example","flags":"x"}"#, "flags"),
            ("ResolveHostname", #"{"name":"a.example","family":2.5}"#, "family"),
            ("ResolveAddress", #"{"family":2,"address":[1,2,3]}"#, "address"), ("ResolveAddress", #"{"family":2,"address":[1,2,3,256]}"#, "address"),
            ("ResolveAddress", #"{"address":[1,2,3,4]}"#, "family"), ("ResolveRecord", #"{"name":"a.example"}"#, "type"),
            ("ResolveRecord", #"{"name":"a.example","type":70000}"#, "type"),
        ]
        for (method, parameters, named) in cases {
            try send(channel, call("io.systemd.Resolve." + method, parameters))
            let reply = try replies(channel)
            #expect(reply.count == 1 && Self.error(reply[0]) == "org.varlink.service.InvalidParameter", "\(method) \(parameters): \(reply)")
            #expect(reply.first.map(Self.parameters)?["parameter"] == .string(named), "\(method) \(parameters)")
        }
        try send(channel, call("io.systemd.Resolve.ResolveRecord", #"{"name":"a.example","type":252}"#))
        #expect(try replies(channel).first.flatMap(Self.error) == "io.systemd.Resolve.ResourceRecordTypeInvalidForQuery")
    }

    @Test func failuresMapToTheErrorsNssResolveKnows() throws {
        // name → how the scripted upstream fails.
        let pipeline = ScriptedPipeline { request in
            let query = request.query
            let name = DNSName.text(fromWire: query.question.name)
            switch name {
            case "nx.example.":
                return QueryResult(wire: DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.nxDomain), rcode: DNSRcode.nxDomain, source: .upstream("u"))
            case "refused.example.":
                return QueryResult(wire: DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.refused), rcode: DNSRcode.refused, source: .upstream("u"))
            case "slow.example.", "none.example.":
                var result = QueryResult(wire: DNSMessageBuilder.errorReply(to: query, rcode: DNSRcode.servFail), rcode: DNSRcode.servFail, source: .synthesized("upstream failed"))
                result.upstreamFailure = name == "slow.example." ? .timeout : .noServers
                return result
            case "blocked.example.":
                // The null block reply: 0.0.0.0, which a varlink caller must never see.
                var result = QueryResult(
                    wire: BlockReply.null.wire(for: query, ttl: 10), rcode: 0, source: .synthesized("blocked"))
                result.decision = PolicyDecision(allowed: false, profile: "p", mode: .enforce, reason: .modeDefault(.enforce), reply: .null, considered: [])
                return result
            default:
                return QueryResult(wire: DNSMessageBuilder.reply(to: query), rcode: 0, source: .upstream("u"))
            }
        }
        let channel = try channel(pipeline)
        let expected: [(String, String)] = [
            ("nx.example", "io.systemd.Resolve.DNSError"), ("refused.example", "io.systemd.Resolve.DNSError"),
            ("slow.example", "io.systemd.Resolve.QueryTimedOut"), ("none.example", "io.systemd.Resolve.NoNameServers"),
            ("blocked.example", "io.systemd.Resolve.NoSuchResourceRecord"), ("empty.example", "io.systemd.Resolve.NoSuchResourceRecord"),
        ]
        for (name, error) in expected {
            try send(channel, call("io.systemd.Resolve.ResolveHostname", #"{"name":"\#(name)"}"#))
            let reply = try #require(try replies(channel).first)
            #expect(Self.error(reply) == error, "\(name): \(reply)")
            if name == "nx.example" { #expect(Self.parameters(reply)["rcode"] == 3) }
            if name == "refused.example" { #expect(Self.parameters(reply)["rcode"] == 5) }
        }
    }

    @Test func resolveAddressAsksThePTRName() throws {
        let pipeline = ScriptedPipeline(answer: Self.upstreamAnswer)
        let channel = try channel(pipeline)
        try send(channel, call("io.systemd.Resolve.ResolveAddress", #"{"family":2,"address":[192,0,2,1]}"#),
                 call("io.systemd.Resolve.ResolveAddress", #"{"family":10,"address":[32,1,13,184,0,0,0,0,0,0,0,0,0,0,0,1]}"#))
        let all = try replies(channel)
        #expect(all.count == 2 && all.allSatisfy { Self.parameters($0)["names"] == [["name": "ptr.example"]] }, "\(all)")
        #expect(pipeline.requests.map { DNSName.text(fromWire: $0.query.question.name) } == [
            "1.2.0.192.in-addr.arpa.", "1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.",
        ])
    }

    @Test func resolveRecordReturnsRawRecords() throws {
        let channel = try channel()
        try send(channel, call("io.systemd.Resolve.ResolveRecord", #"{"name":"www.example.com","type":1}"#))
        let reply = try #require(try replies(channel).first)
        guard case .array(let rrs)? = Self.parameters(reply)["rrs"], case .string(let raw)? = rrs.first?.object?["raw"] else {
            Issue.record("no rrs: \(reply)")
            return
        }
        let wire = try #require(Data(base64Encoded: raw))
        let record = try #require(ExpandedRecord(wire: Array(wire)))
        #expect(record.nameText == "www.example.com." && record.type == DNSType.a && record.rdata == [192, 0, 2, 1])
        #expect(rrs.first?.object?["rr"]?.object?["key"] == ["class": 1, "type": 1, "name": "www.example.com"])
    }

    @Test func expandedRecordsHaveNoCompressionPointers() throws {
        // www.example.com CNAME web.example.com (target compressed), web.example.com A 192.0.2.9 (owner compressed).
        let query = try DNSQuery.parse(DNSMessageBuilder.query(id: 1, name: "www.example.com", type: DNSType.a))
        var wire: [UInt8] = [0, 1, 0x81, 0x80, 0, 1, 0, 2, 0, 0, 0, 0] + query.wire[12..<query.questionEnd]
        wire += [0xC0, 12, 0, 5, 0, 1, 0, 0, 0, 60, 0, 6, 3] + Array("web".utf8) + [0xC0, 16]
        let targetOffset = wire.count - 6
        wire += [0xC0, UInt8(targetOffset), 0, 1, 0, 1, 0, 0, 0, 60, 0, 4, 192, 0, 2, 9]
        let records = try DNSResponse.parse(wire).expandedAnswerRecords()
        #expect(records.count == 2)
        #expect(records.first?.rdata == (try DNSName.wire(fromText: "web.example.com", lowercase: false)))
        #expect(records.last?.nameText == "web.example.com." && records.last?.rdata == [192, 0, 2, 9])
        let outcome = ResolveOutcome.records(records, fromCache: true)
        let reply = try ResolveReplies.hostname([outcome], name: "www.example.com").get()
        #expect(reply["name"] == "web.example.com" && reply["flags"] == .integer(ResolveOutcome.dnsFlag | ResolveOutcome.fromCacheFlag))
    }
}
