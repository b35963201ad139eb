import DNSWire
import PinholeCore
import Testing
@testable import PinholeDaemon

/// ResolveHostname with search domains, IDNA, `family` and `ifindex`,
/// through the varlink handler with a scripted pipeline: which names reach
/// the pipeline, in which order, and what the caller gets back.
@Suite struct VarlinkSearchTests {
    let protocolTests = VarlinkProtocolTests()

    /// Names under absent.test do not exist; every other name answers A and AAAA.
    static func answer(_ request: QueryRequest) -> QueryResult {
        let name = DNSName.text(fromWire: request.query.question.name)
        if name.hasSuffix(".absent.test.") {
            return QueryResult(
                wire: DNSMessageBuilder.errorReply(to: request.query, rcode: DNSRcode.nxDomain), rcode: DNSRcode.nxDomain, source: .upstream("u"))
        }
        return VarlinkProtocolTests.upstreamAnswer(request)
    }

    func resolve(_ parameters: String, search: [String] = ["absent.test", "search.test"])
        throws -> (reply: [String: JSONValue], asked: [String])
    {
        let pipeline = VarlinkProtocolTests.ScriptedPipeline(answer: Self.answer)
        var resolver = VarlinkResolver(pipeline: pipeline, searchDomains: search)
        resolver.interfaceExists = { $0 == 1 }
        let channel = try protocolTests.channel(pipeline, resolver: resolver)
        try protocolTests.send(channel, protocolTests.call("io.systemd.Resolve.ResolveHostname", parameters))
        let reply = try #require(try protocolTests.replies(channel).first)
        let asked = pipeline.requests.filter { $0.query.question.type == DNSType.a }.map { DNSName.text(fromWire: $0.query.question.name) }
        return (reply, asked)
    }

    @Test func aSingleLabelWalksTheSearchListUntilANameExists() throws {
        let (reply, asked) = try resolve(#"{"name":"host"}"#)
        #expect(VarlinkProtocolTests.error(reply) == nil, "\(reply)")
        #expect(asked == ["host.absent.test.", "host.search.test."])
        #expect(VarlinkProtocolTests.parameters(reply)["name"] == "host.search.test")
        guard case .array(let addresses)? = VarlinkProtocolTests.parameters(reply)["addresses"] else { return #expect(Bool(false), "\(reply)") }
        #expect(addresses.count == 2)
    }

    @Test func whenEveryExpansionFailsTheLastOnesErrorIsReturned() throws {
        let (reply, asked) = try resolve(#"{"name":"host"}"#, search: ["absent.test", "other.absent.test"])
        #expect(asked == ["host.absent.test.", "host.other.absent.test."])
        #expect(VarlinkProtocolTests.error(reply) == "io.systemd.Resolve.DNSError")
        #expect(VarlinkProtocolTests.parameters(reply)["queryString"] == "host.other.absent.test")
    }

    @Test func noSearchFlagsTrailingDotsAndDottedNamesAreAskedAsGiven() throws {
        #expect(try resolve(#"{"name":"host","flags":256}"#).asked == ["host."])
        #expect(try resolve(#"{"name":"host."}"#).asked == ["host."])
        #expect(try resolve(#"{"name":"www.example"}"#).asked == ["www.example."])
        #expect(try resolve(#"{"name":"host"}"#, search: []).asked == ["host."])
    }

    @Test func aNonASCIINameIsAskedAsItsALabelForm() throws {
        let (reply, asked) = try resolve(#"{"name":"bücher.example"}"#)
        #expect(asked == ["xn--bcher-kva.example."])
        #expect(VarlinkProtocolTests.parameters(reply)["name"] == "xn--bcher-kva.example")
        let bad = try resolve(#"{"name":"\u0301x.example"}"#)
        #expect(VarlinkProtocolTests.error(bad.reply) == "org.varlink.service.InvalidParameter" && bad.asked.isEmpty)
        #expect(VarlinkProtocolTests.parameters(bad.reply)["parameter"] == "name")
    }

    @Test func familyIsHonouredEvenWhenAnAnswerCarriesTheOtherFamily() throws {
        // An upstream that puts an AAAA record into the answer to an A question.
        let pipeline = VarlinkProtocolTests.ScriptedPipeline { request in
            let name = DNSName.text(fromWire: request.query.question.name)
            let answers: [ResourceRecord] = [.a(name, "192.0.2.1"), .aaaa(name, "2001:db8::1")]
            return QueryResult(wire: DNSMessageBuilder.reply(to: request.query, answers: answers), rcode: 0, source: .upstream("u"))
        }
        let channel = try protocolTests.channel(pipeline)
        try protocolTests.send(channel, protocolTests.call("io.systemd.Resolve.ResolveHostname", #"{"name":"mixed.example","family":2}"#),
                               protocolTests.call("io.systemd.Resolve.ResolveHostname", #"{"name":"mixed.example","family":10}"#))
        let replies = try protocolTests.replies(channel)
        #expect(replies.count == 2)
        guard replies.count == 2 else { return }
        #expect(VarlinkProtocolTests.parameters(replies[0])["addresses"] == [["family": 2, "address": [192, 0, 2, 1]]])
        #expect(VarlinkProtocolTests.parameters(replies[1])["addresses"]
            == [["family": 10, "address": [32, 1, 13, 184, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1]]])
        #expect(pipeline.requests.map(\.query.question.type) == [DNSType.a, DNSType.aaaa])
    }

    @Test func anIfindexMustNameAnInterface() throws {
        let existing = try resolve(#"{"name":"www.example","ifindex":1}"#)
        #expect(VarlinkProtocolTests.error(existing.reply) == nil && existing.asked == ["www.example."])
        let missing = try resolve(#"{"name":"www.example","ifindex":4000}"#)
        #expect(VarlinkProtocolTests.error(missing.reply) == "io.systemd.Resolve.NoNameServers" && missing.asked.isEmpty)
        // The daemon's check asks the kernel: loopback exists, index 2^31-1 does not.
        #expect(VarlinkResolver.interfaceExists(1) && !VarlinkResolver.interfaceExists(Int32.max))
    }
}
