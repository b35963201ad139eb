import Foundation
import Logging
import NIOCore
import QueryLog

/// One control-socket connection: checks the peer (SO_PEERCRED) before
/// reading any request, then answers newline-delimited JSON requests
/// (see `ControlProtocol`). Bad input gets an error line, never a crash.
final class ControlHandler: ChannelInboundHandler, RemovableChannelHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    /// What every connection shares.
    struct Environment: Sendable {
        var authorization: ControlAuthorization
        var followers: QueryFollowers
        var status: @Sendable () -> ControlStatus
        var registrableDomain: @Sendable (String) -> String?
        /// The peer of a connection (SO_PEERCRED in the daemon; injected in tests).
        var credentials: @Sendable (any Channel) -> EventLoopFuture<PeerCredentials>
        var logger: Logger
        /// Answers `reload`, `allow`, `deny`, `mode` (blocking: run off the event loop); nil when policy is off.
        var policy: (@Sendable (ControlProtocol.Request, PeerCredentials) -> any Encodable & Sendable)? = nil
        /// Where `policy` runs: a global queue in the daemon, inline in tests.
        var offload: @Sendable (@escaping @Sendable () -> Void) -> Void = { DispatchQueue.global().async(execute: $0) }
    }

    private let environment: Environment
    private var received: ByteBuffer?
    private var authorized: Bool?
    private var peer: PeerCredentials?
    /// A policy request is being answered: later lines wait, so replies stay in order.
    private var busy = false
    private var subscription: FollowSubscription?
    private var context: ChannelHandlerContext?
    private let encoder = JSONEncoder()

    init(_ environment: Environment) {
        self.environment = environment
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        unsubscribe()
        self.context = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        environment.credentials(context.channel).hop(to: context.eventLoop).whenComplete { result in
            bound.value.authorize(result)
        }
        context.fireChannelActive()
    }

    func channelInactive(context: ChannelHandlerContext) {
        unsubscribe()
        context.fireChannelInactive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        var bytes = unwrapInboundIn(data)
        // A follower's further input is ignored: the stream is all it gets.
        guard subscription == nil else { return }
        if received == nil {
            received = bytes
        } else {
            received!.writeBuffer(&bytes)
        }
        if authorized == true { processLines() }
    }

    func channelWritabilityChanged(context: ChannelHandlerContext) {
        if context.channel.isWritable { drain() }
        context.fireChannelWritabilityChanged()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        environment.logger.debug("control connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func authorize(_ result: Result<PeerCredentials, any Error>) {
        guard context != nil else { return }
        switch result {
        case .success(let peer) where environment.authorization.allows(peer):
            authorized = true
            self.peer = peer
            processLines()
        case .success(let peer):
            authorized = false
            environment.logger.warning(
                "control socket: permission denied (only root and group pinhole may read)",
                metadata: ["uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)"])
            reply(ControlErrorReply("permission denied"), thenClose: true)
        case .failure(let error):
            authorized = false
            environment.logger.warning("control socket: cannot read the peer's credentials", metadata: ["error": "\(error)"])
            reply(ControlErrorReply("permission denied"), thenClose: true)
        }
    }

    /// Answers every complete line received; an over-long request ends the connection.
    private func processLines() {
        while subscription == nil, !busy, context != nil, var buffer = received {
            guard let newline = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
                if buffer.readableBytes > ControlProtocol.maxRequestBytes {
                    received = nil
                    reply(ControlErrorReply("request too large (at most \(ControlProtocol.maxRequestBytes) bytes)"), thenClose: true)
                }
                return
            }
            let length = newline - buffer.readerIndex
            let line = buffer.readBytes(length: length) ?? []
            buffer.moveReaderIndex(forwardBy: 1)
            received = buffer.readableBytes > 0 ? buffer : nil
            guard line.count <= ControlProtocol.maxRequestBytes else {
                received = nil
                reply(ControlErrorReply("request too large (at most \(ControlProtocol.maxRequestBytes) bytes)"), thenClose: true)
                return
            }
            handle(line)
        }
    }

    private func handle(_ line: [UInt8]) {
        guard line.contains(where: { $0 != UInt8(ascii: " ") && $0 != UInt8(ascii: "\r") && $0 != UInt8(ascii: "\t") }) else { return }
        let request: ControlProtocol.Request
        do {
            request = try JSONDecoder().decode(ControlProtocol.Request.self, from: Data(line))
        } catch {
            reply(ControlErrorReply(
                #"malformed request: expected one JSON object per line, {"op":"…"} with op follow, status, reload, allow, deny or mode"#))
            return
        }
        switch request.op {
        case .status:
            reply(environment.status())
        case .follow:
            follow()
        case .reload, .allow, .deny, .mode:
            change(request)
        }
    }

    /// A policy change: root or the admin group only; answered off the event
    /// loop (it reads and writes files), the connection's next lines wait for it.
    private func change(_ request: ControlProtocol.Request) {
        guard let context, let peer else { return }
        guard environment.authorization.allowsChanges(peer) else {
            environment.logger.warning(
                "control socket: permission denied for \(request.op.rawValue) (only root and control.admin_group may change policy)",
                metadata: ["uid": "\(peer.uid)", "gid": "\(peer.gid)", "pid": "\(peer.pid)", "op": "\(request.op.rawValue)",
                           "app": "\(request.app ?? "")", "domain": "\(request.domain ?? "")"])
            reply(ControlErrorReply("permission denied"))
            return
        }
        guard let policy = environment.policy else {
            reply(ControlErrorReply("policy is off in pinholed's config (policy.enabled = false): nothing to reload or edit"))
            return
        }
        busy = true
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let eventLoop = context.eventLoop
        environment.offload {
            let line = ControlProtocol.line(policy(request, peer))
            eventLoop.execute {
                let handler = bound.value
                handler.busy = false
                handler.write(line)
                handler.processLines()
            }
        }
    }

    private func follow() {
        guard let context else { return }
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        let subscription = FollowSubscription(capacity: ControlProtocol.followBuffer, eventLoop: context.eventLoop) {
            bound.value.drain()
        }
        self.subscription = subscription
        received = nil
        environment.followers.add(subscription)
    }

    /// Writes what the follower has waiting while the socket takes it; the
    /// rest waits for `channelWritabilityChanged` (and is dropped oldest-first if it overflows).
    private func drain() {
        guard let context, let subscription else { return }
        var wrote = false
        while context.channel.isWritable {
            let batch = subscription.take(limit: 256)
            if batch.isEmpty { break }
            var buffer = context.channel.allocator.buffer(capacity: batch.count * 512)
            for pending in batch {
                let query = LoggedQuery(entry: pending.entry, milliseconds: pending.milliseconds, registrableDomain: environment.registrableDomain)
                guard let data = try? encoder.encode(LogRecord(query)) else { continue }
                buffer.writeBytes(data)
                buffer.writeInteger(UInt8(ascii: "\n"))
            }
            context.write(wrapOutboundOut(buffer), promise: nil)
            wrote = true
        }
        if wrote { context.flush() }
    }

    /// Writes one encoded reply line.
    private func write(_ data: Data) {
        guard let context else { return }
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
    }

    private func reply<T: Encodable>(_ value: T, thenClose: Bool = false) {
        guard let context else { return }
        let data = ControlProtocol.line(value)
        var buffer = context.channel.allocator.buffer(capacity: data.count)
        buffer.writeBytes(data)
        if thenClose {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private func unsubscribe() {
        if let subscription { environment.followers.remove(subscription) }
        subscription = nil
    }
}
