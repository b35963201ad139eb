import Foundation
import Logging
import NIOCore
import NIOEmbedded
import Synchronization
import Testing
@testable import PinholeDaemon

/// The control socket's policy requests on an in-memory channel: who may
/// change policy, what reaches the policy side, and the new config keys.
@Suite struct ControlPolicyRequestTests {
    static let root = PeerCredentials(pid: 1, uid: 0, gid: 0)
    static let reader = PeerCredentials(pid: 10, uid: 1000, gid: 1000, groups: [990])
    static let admin = PeerCredentials(pid: 12, uid: 1001, gid: 1001, groups: [27])

    final class Received: Sendable {
        let requests = Mutex<[ControlProtocol.Request]>([])
    }

    let received = Received()
    let log = ControlProtocolTests.CapturedLog()

    func channel(peer: PeerCredentials) throws -> EmbeddedChannel {
        let logger = Logger(label: "test") { _ in ControlProtocolTests.Capture(log: log) }
        let received = self.received
        let environment = ControlHandler.Environment(
            authorization: ControlAuthorization(readerGroup: 990, adminGroup: 27), followers: QueryFollowers(),
            status: { ControlStatus(version: "1", pid: 1, uptimeSeconds: 0, queries: 0, log: .init(enabled: false, path: "", counters: .init()), followers: 0, followDropped: 0) },
            registrableDomain: { $0 }, credentials: { $0.eventLoop.makeSucceededFuture(peer) }, logger: logger,
            policy: { request, _ in
                received.requests.withLock { $0.append(request) }
                return ControlReloadReply(profiles: 2, lists: ["ads"], warnings: [])
            },
            offload: { $0() })
        let channel = EmbeddedChannel(handler: ControlHandler(environment))
        try channel.connect(to: SocketAddress(ipAddress: "127.0.0.1", port: 1)).wait()
        return channel
    }

    func exchange(_ channel: EmbeddedChannel, _ text: String) throws -> [String] {
        try channel.writeInbound(ByteBuffer(string: text))
        channel.embeddedEventLoop.run()
        var out = ""
        while var buffer = try channel.readOutbound(as: ByteBuffer.self) { out += buffer.readString(length: buffer.readableBytes) ?? "" }
        return out.split(separator: "\n").map(String.init)
    }

    @Test func readersMayNotChangePolicyAndTheAttemptIsLogged() throws {
        let channel = try channel(peer: Self.reader)
        for op in ["reload", "allow", "deny", "mode"] {
            let reply = try exchange(channel, "{\"op\":\"\(op)\",\"app\":\"shop\",\"domain\":\"a.example\"}\n")
            #expect(reply == [#"{"error":"permission denied"}"#], "\(op)")
        }
        #expect(received.requests.withLock { $0.isEmpty })
        #expect(channel.isActive)
        #expect(try exchange(channel, "{\"op\":\"status\"}\n").first?.contains("\"version\":\"1\"") == true)
        let denied = log.all.filter { $0.contains("permission denied for allow") }
        #expect(denied.count == 1 && denied[0].contains("uid=1000") && denied[0].contains("pid=10") && denied[0].contains("domain=a.example"))
    }

    @Test func rootAndAdminsReachThePolicySideInOrder() throws {
        for peer in [Self.root, Self.admin] {
            let channel = try channel(peer: peer)
            let replies = try exchange(channel, "{\"op\":\"reload\"}\n{\"op\":\"mode\",\"app\":\"shop\",\"mode\":\"learn\"}\n{\"op\":\"status\"}\n")
            #expect(replies.count == 3 && replies[0] == #"{"lists":["ads"],"profiles":2,"warnings":[]}"# && replies[2].contains("\"pid\":1"))
        }
        #expect(received.requests.withLock { $0.map(\.op) } == [.reload, .mode, .reload, .mode])
        #expect(received.requests.withLock { $0[1] } == ControlProtocol.Request(op: .mode, app: "shop", mode: "learn"))
    }

    @Test func adminsMayReadAndNumericGroupsNeedNoGroupDatabase() {
        let auth = ControlAuthorization.system(readGroup: "48421", adminGroup: "48422")
        #expect(auth.readerGroup == 48421 && auth.adminGroup == 48422)
        let admin = PeerCredentials(pid: 1, uid: 5, gid: 5, groups: [48422])
        #expect(auth.allows(admin) && auth.allowsChanges(admin))
        let reader = PeerCredentials(pid: 1, uid: 5, gid: 48421)
        #expect(auth.allows(reader) && !auth.allowsChanges(reader))
        #expect(ControlAuthorization.system(readGroup: "no-such-group-here", adminGroup: nil).readerGroup == nil)
        #expect(!ControlAuthorization.system().allowsChanges(admin))
    }

    @Test func theControlKeysAreRead() throws {
        let config = try ConfigLoader.parse("[control]\nread_group = 990\nadmin_group = \"wheel\"\n", file: "test.toml")
        #expect(config.control.readGroup == "990" && config.control.adminGroup == "wheel")
        #expect(try ConfigLoader.parse("", file: "t.toml").control.adminGroup == nil)
        #expect(try ConfigLoader.parse("[control]\nadmin_group = \"\"\n", file: "t.toml").control.adminGroup == nil)
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[control]\nadmin_group = \"a b\"\n", file: "t.toml") }
        #expect(throws: ConfigError.self) { try ConfigLoader.parse("[control]\nadmin_group = -1\n", file: "t.toml") }
    }
}
