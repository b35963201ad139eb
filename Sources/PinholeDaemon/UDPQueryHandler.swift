import DNSWire
import Logging
import NIOCore
import PinholeCore

/// Answers DNS over UDP on one listening socket.
///
/// Replies produced while a read burst is handled (cache hits, errors) are
/// written without a flush and flushed once at `channelReadComplete`, so NIO
/// sends them in one `sendmmsg`. Replies that arrive later, from an
/// upstream, hop back onto the channel's event loop.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let pipeline: any QueryHandler
    private let maxOutstandingPerClient: Int
    private let logger: Logger
    /// Queries waiting for an upstream, per client socket (address and port):
    /// on a stub resolver every client shares 127.0.0.1, so the address alone
    /// would make all local programs one client.
    private var outstanding: [ClientEndpoint: Int] = [:]
    private var inReadBurst = false
    private var needsFlush = false
    /// Set while the pipeline runs inside `channelRead`; a result delivered
    /// then (a cache hit) is written at once, with no outstanding bookkeeping.
    private var handlingSynchronously = false
    private var context: ChannelHandlerContext?

    init(pipeline: any QueryHandler, maxOutstandingPerClient: Int, logger: Logger) {
        self.pipeline = pipeline
        self.maxOutstandingPerClient = maxOutstandingPerClient
        self.logger = logger
    }

    func handlerAdded(context: ChannelHandlerContext) {
        self.context = context
    }

    func handlerRemoved(context: ChannelHandlerContext) {
        self.context = nil
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        inReadBurst = true
        let envelope = unwrapInboundIn(data)
        let remote = envelope.remoteAddress
        guard let client = ClientEndpoint(remote) else { return }
        let bytes = Array(envelope.data.readableBytesView)

        switch QueryFrontend.decide(bytes, transport: .udp, client: client) {
        case .drop(let reason):
            logger.debug("dropped UDP message", metadata: ["client": "\(client)", "reason": "\(reason)"])
        case .respond(let reply, let reason):
            logger.debug("rejected UDP query", metadata: ["client": "\(client)", "reason": "\(reason)"])
            write(reply, to: remote)
        case .resolve(let request):
            resolve(request, client: client, remote: remote, eventLoop: context.eventLoop)
        }
    }

    func channelReadComplete(context: ChannelHandlerContext) {
        inReadBurst = false
        if needsFlush {
            needsFlush = false
            context.flush()
        }
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        // ICMP errors surface here (e.g. a client's port closed); never fatal.
        logger.debug("UDP socket error", metadata: ["error": "\(error)"])
    }

    private func resolve(_ request: QueryRequest, client: ClientEndpoint, remote: SocketAddress, eventLoop: any EventLoop) {
        let waiting = outstanding.isEmpty ? 0 : outstanding[client, default: 0]
        guard waiting < maxOutstandingPerClient else {
            // Refuse rather than queue: a client this far ahead is flooding.
            write(DNSMessageBuilder.errorReply(to: request.query, rcode: DNSRcode.refused), to: remote)
            return
        }
        let limit = request.query.maxUDPReplySize
        let bound = NIOLoopBound(self, eventLoop: eventLoop)
        handlingSynchronously = true
        pipeline.handle(request) { result in
            if eventLoop.inEventLoop && bound.value.handlingSynchronously {
                bound.value.write(DNSMessageBuilder.fitForUDP(result.wire, limit: limit), to: remote)
                bound.value.handlingSynchronously = false
                return
            }
            if eventLoop.inEventLoop {
                bound.value.finish(result, client: client, to: remote, limit: limit)
            } else {
                eventLoop.execute { bound.value.finish(result, client: client, to: remote, limit: limit) }
            }
        }
        // Still set: no synchronous answer, so one is coming from upstream.
        if handlingSynchronously {
            handlingSynchronously = false
            outstanding[client] = waiting + 1
        }
    }

    private func finish(_ result: QueryResult, client: ClientEndpoint, to remote: SocketAddress, limit: Int) {
        if let waiting = outstanding[client] {
            if waiting <= 1 { outstanding[client] = nil } else { outstanding[client] = waiting - 1 }
        }
        write(DNSMessageBuilder.fitForUDP(result.wire, limit: limit), to: remote)
    }

    private func write(_ reply: [UInt8], to remote: SocketAddress) {
        guard let context else { return }
        let buffer = context.channel.allocator.buffer(bytes: reply)
        let envelope = AddressedEnvelope(remoteAddress: remote, data: buffer)
        if inReadBurst {
            context.write(wrapOutboundOut(envelope), promise: nil)
            needsFlush = true
        } else {
            context.writeAndFlush(wrapOutboundOut(envelope), promise: nil)
        }
    }
}
