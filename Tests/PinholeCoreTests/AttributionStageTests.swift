import DNSWire
import Dispatch
import Testing
@testable import PinholeCore

@Suite struct AttributionStageTests {
    @Test func nextStageSeesTheAttributionAndTheResolverTheClientTuple() throws {
        let socket = SocketOwner(uid: 1000, inode: 99, cgroupID: 1234)
        let resolver = StubResolver(.attributed(StubResolver.identity, socket: socket))
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let stage = AttributionStage(resolver: resolver, next: next)
        var request = Fixtures.request(try Fixtures.query(), transport: .tcp)
        request.local = ClientEndpoint(address: "127.0.0.153", port: 53)
        let responses = Responses()

        stage.handle(request, respond: responses.respond)

        #expect(responses.all.count == 1)
        #expect(resolver.requests == [AttributionRequest(
            transport: .tcp, client: ClientEndpoint(address: "127.0.0.1", port: 40000),
            local: ClientEndpoint(address: "127.0.0.153", port: 53))])
        let seen = try #require(next.received.first?.attribution)
        #expect(seen.app == StubResolver.identity)
        #expect(seen.socket == socket)
        #expect(seen.appKey == "app-a.scope")
    }

    @Test func unknownCarriesItsReason() throws {
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let stage = AttributionStage(resolver: StubResolver(.unknown(.remote)), next: next)
        stage.handle(Fixtures.request(try Fixtures.query()), respond: Responses().respond)
        let seen = try #require(next.received.first?.attribution)
        #expect(seen.app == nil && seen.reason == .remote && seen.appKey == "unknown")
    }

    @Test func aResolverCompletingLaterStillAnswersOnce() async throws {
        let next = StubHandler.answering(rcode: DNSRcode.noError)
        let stage = AttributionStage(resolver: StubResolver(.unknown(.exited), asynchronous: true), next: next)
        let responses = Responses()
        stage.handle(Fixtures.request(try Fixtures.query()), respond: responses.respond)
        #expect(responses.all.isEmpty)
        for _ in 0..<200 where responses.all.isEmpty { try await Task.sleep(for: .milliseconds(10)) }
        #expect(responses.all.count == 1)
        #expect(next.received.first?.attribution?.reason == .exited)
    }
}
