import Dispatch
import Logging
import NIOCore
import PinholeCore

/// One varlink connection: reads the peer's credentials, then answers its
/// calls one at a time, in order (varlink replies carry no id). Bad input
/// gets an error reply; only an oversized message closes the connection.
final class VarlinkHandler: ChannelInboundHandler {
    typealias InboundIn = [UInt8]
    typealias OutboundOut = ByteBuffer

    /// What every connection shares.
    struct Environment: Sendable {
        var resolver: VarlinkResolver
        /// The attribution of a peer (reads /proc; called off the event loop).
        var attribute: @Sendable (VarlinkPeer) -> Attribution
        /// The peer of a connection (SO_PEERCRED + SO_PEERPIDFD in the daemon).
        var peer: @Sendable (any Channel) -> EventLoopFuture<VarlinkPeer> = VarlinkPeer.of
        /// Where attribution runs, so /proc reads stay off the event loops;
        /// nil runs it inline (tests).
        var attributionQueue: DispatchQueue?
        var logger: Logger
    }

    /// Calls received while one is being answered; past this, reading pauses.
    static let maxQueued = 32

    private let environment: Environment
    private var context: ChannelHandlerContext?
    private var peer: VarlinkPeer?
    private var waiting: [[UInt8]] = []
    private var busy = false
    private var readPaused = false

    init(_ environment: Environment) {
        self.environment = environment
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
        environment.logger.debug("varlink connection closed", metadata: ["pid": "\(peer?.pid ?? 0)", "pidfd": "\(peer?.pidfd ?? -1)"])
        peer?.release()
        peer = nil
    }

    func channelActive(context: ChannelHandlerContext) {
        let bound = NIOLoopBound(self, eventLoop: context.eventLoop)
        environment.peer(context.channel).hop(to: context.eventLoop).whenComplete { result in
            bound.value.started(result)
        }
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        waiting.append(unwrapInboundIn(data))
        if waiting.count >= Self.maxQueued { pauseReading() }
        processNext()
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if !busy && waiting.isEmpty {
                environment.logger.debug("closing idle varlink connection", metadata: ["pid": "\(peer?.pid ?? 0)"])
                context.close(promise: nil)
            }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        if let tooLarge = error as? VarlinkFrameDecoder.TooLarge {
            environment.logger.notice("varlink: \(tooLarge); closing the connection", metadata: ["pid": "\(peer?.pid ?? 0)"])
            waiting = []
            send(VarlinkMessage.error(.invalidParameter("request", because: "\(tooLarge)")), thenClose: true)
            return
        }
        environment.logger.debug("varlink connection failed", metadata: ["error": "\(error)"])
        context.close(promise: nil)
    }

    private func started(_ result: Result<VarlinkPeer, any Error>) {
        switch result {
        case .success(let peer):
            guard context != nil else { return peer.release() }
            self.peer = peer
            environment.logger.debug(
                "varlink connection", metadata: ["pid": "\(peer.pid)", "uid": "\(peer.uid)", "pidfd": "\(peer.pidfd != nil)", "fd": "\(peer.pidfd ?? -1)"])
            processNext()
        case .failure(let error):
            environment.logger.warning("varlink: cannot read the peer's credentials; closing", metadata: ["error": "\(error)"])
            context?.close(promise: nil)
        }
    }

    /// Answers the next waiting call unless one is in progress.
    private func processNext() {
        while !busy, let peer, context != nil, !waiting.isEmpty {
            let bytes = waiting.removeFirst()
            handle(bytes, peer: peer)
        }
        if !busy && waiting.isEmpty { resumeReading() }
    }

    private func handle(_ bytes: [UInt8], peer: VarlinkPeer) {
        let call: VarlinkCall
        do {
            call = try VarlinkCall.parse(bytes)
        } catch {
            environment.logger.debug("varlink: bad request", metadata: ["pid": "\(peer.pid)", "error": "\(error.detail)"])
            return send(VarlinkMessage.error(error))
        }
        if call.upgrade {
            return reply(call, .failure(.methodNotImplemented(call.method, because: "no protocol upgrades")))
        }
        switch call.interface {
        case ResolveInterface.serviceName:
            reply(call, VarlinkIntrospection.answer(call))
        case ResolveInterface.name where ResolveInterface.methods.contains(String(call.method.dropFirst(call.interface.count + 1))):
            // A lookup nobody waits for is not made (systemd-resolved refuses them too).
            guard !call.oneway else { return }
            busy = true
            let environment = self.environment
            let loop = context!.eventLoop
            let bound = NIOLoopBound(self, eventLoop: loop)
            let work: @Sendable () -> Void = {
                let attribution = environment.attribute(peer)
                environment.resolver.answer(call, attribution: attribution) { result in
                    if loop.inEventLoop {
                        bound.value.finished(call, result)
                    } else {
                        loop.execute { bound.value.finished(call, result) }
                    }
                }
            }
            if let queue = environment.attributionQueue { queue.async(execute: work) } else { work() }
        case ResolveInterface.name:
            reply(call, .failure(.methodNotFound(call.method)))
        default:
            reply(call, .failure(.interfaceNotFound(call.interface)))
        }
    }

    private func finished(_ call: VarlinkCall, _ result: Result<[String: JSONValue], VarlinkError>) {
        busy = false
        reply(call, result)
        processNext()
    }

    private func reply(_ call: VarlinkCall, _ result: Result<[String: JSONValue], VarlinkError>) {
        guard !call.oneway else { return }
        switch result {
        case .success(let parameters):
            send(VarlinkMessage.reply(parameters))
        case .failure(let error):
            if !error.detail.isEmpty {
                environment.logger.debug("varlink: \(call.method) failed", metadata: ["error": "\(error.name)", "detail": "\(error.detail)"])
            }
            send(VarlinkMessage.error(error))
        }
    }

    private func send(_ bytes: [UInt8], thenClose: Bool = false) {
        guard let context, context.channel.isActive else { return }
        let buffer = context.channel.allocator.buffer(bytes: bytes)
        if thenClose {
            let channel = context.channel
            context.writeAndFlush(wrapOutboundOut(buffer)).whenComplete { _ in channel.close(promise: nil) }
        } else {
            context.writeAndFlush(wrapOutboundOut(buffer), promise: nil)
        }
    }

    private func pauseReading() {
        guard !readPaused, let context else { return }
        readPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }

    private func resumeReading() {
        guard readPaused, let context else { return }
        readPaused = false
        context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
        context.read()
    }
}
