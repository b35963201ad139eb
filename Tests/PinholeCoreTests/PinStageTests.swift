import DNSWire
import Synchronization
import Testing
@testable import PinholeCore

/// A pinner that records each call and holds its completion until released.
final class HeldPinner: Pinner {
    struct Call: Sendable {
        var addresses: [IPAddress]
        var cgroupPath: String
        var seconds: UInt32
    }
    private let state = Mutex<(calls: [Call], completions: [@Sendable () -> Void])>(([], []))

    var calls: [Call] { state.withLock { $0.calls } }
    private let governedPaths = Mutex<[String]>([])
    var governed: [String] { governedPaths.withLock { $0 } }

    func govern(cgroupPath: String) { governedPaths.withLock { $0.append(cgroupPath) } }

    func pin(_ addresses: [IPAddress], cgroupPath: String, seconds: UInt32, completion: @escaping @Sendable () -> Void) {
        state.withLock {
            $0.calls.append(Call(addresses: addresses, cgroupPath: cgroupPath, seconds: seconds))
            $0.completions.append(completion)
        }
    }

    func releaseAll() {
        let completions = state.withLock { state in
            defer { state.completions.removeAll() }
            return state.completions
        }
        for completion in completions { completion() }
    }
}

@Suite struct PinStageTests {
    static func request(app: AppIdentity?) throws -> QueryRequest {
        var request = Fixtures.request(try Fixtures.query("www.example.com"))
        request.attribution = app.map { .attributed($0, socket: nil) } ?? .unknown(.exited)
        return request
    }

    static func answering(ttl: UInt32, allowed: Bool? = true) -> StubHandler {
        StubHandler { request in
            let wire = DNSMessageBuilder.reply(to: request.query, answers: [
                .a("www.example.com", "192.0.2.1", ttl: ttl), .aaaa("www.example.com", "2001:db8::1", ttl: ttl + 5),
            ])
            var result = QueryResult(wire: wire, rcode: 0, source: .upstream("u"), upstreamResponse: try! DNSResponse.parse(wire))
            if let allowed {
                result.decision = PolicyDecision(allowed: allowed, profile: "p", mode: .blockListed, reason: .modeDefault(.blockListed), reply: .null, considered: [])
            }
            return result
        }
    }

    @Test func anAllowedAnswerIsPinnedForTheUnitsCgroupBeforeItLeaves() throws {
        let pinner = HeldPinner()
        let stage = PinStage(pinner: pinner, floorSeconds: 60, next: Self.answering(ttl: 300))
        let responses = Responses()
        var app = StubResolver.identity
        app.cgroupPath = "/app-a.scope/worker"
        stage.handle(try Self.request(app: app), respond: responses.respond)

        #expect(responses.all.isEmpty, "the answer waits for the pin")
        let call = try #require(pinner.calls.first)
        #expect(call.addresses == [IPAddress("192.0.2.1")!, IPAddress("2001:db8::1")!])
        #expect(call.cgroupPath == "app-a.scope")
        #expect(call.seconds == 300)
        pinner.releaseAll()
        #expect(responses.all.count == 1)
    }

    @Test func theFloorWinsOverAShortTTL() throws {
        let pinner = HeldPinner()
        let stage = PinStage(pinner: pinner, floorSeconds: 3600, next: Self.answering(ttl: 30))
        stage.handle(try Self.request(app: StubResolver.identity), respond: Responses().respond)
        #expect(pinner.calls.first?.seconds == 3600)
    }

    @Test func blockedOrUnattributedAnswersPinNothing() throws {
        let pinner = HeldPinner()
        let responses = Responses()
        PinStage(pinner: pinner, next: Self.answering(ttl: 30, allowed: false))
            .handle(try Self.request(app: StubResolver.identity), respond: responses.respond)
        PinStage(pinner: pinner, next: Self.answering(ttl: 30))
            .handle(try Self.request(app: nil), respond: responses.respond)
        var rooted = StubResolver.identity
        (rooted.cgroupPath, rooted.unit) = ("/", nil)
        PinStage(pinner: pinner, next: Self.answering(ttl: 30))
            .handle(try Self.request(app: rooted), respond: responses.respond)
        #expect(pinner.calls.isEmpty)
        #expect(responses.all.count == 3)
    }
}
