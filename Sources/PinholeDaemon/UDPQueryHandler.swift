import DNSWire
import Logging
import NIOCore
import PinholeCore

/// Answers DNS over UDP on one listening socket.
///
/// Replies produced while a read burst is being handled (cache hits, errors)
/// are written without a flush and flushed once at `channelReadComplete`, so
/// NIO sends them in one `sendmmsg`. Replies that arrive later, from an
/// upstream, hop back onto the channel's event loop.
final class UDPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>
    typealias OutboundOut = AddressedEnvelope<ByteBuffer>

    private let pipeline: any QueryHandler
    private let maxOutstandingPerClient: Int
    private let logger: Logger
    /// Queries waiting for an upstream, per client address (not port).
    private var outstanding: [String: Int] = [:]
    private var inReadBurst = false
    private var needsFlush = false
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
        guard let address = remote.ipAddress, let port = remote.port else { return }
        let bytes = Array(envelope.data.readableBytesView)
        let client = ClientEndpoint(address: address, port: port)

        switch QueryFrontend.decide(bytes, transport: .udp, client: client) {
        case .drop(let reason):
            logger.debug("dropped UDP message", metadata: ["client": "\(client)", "reason": "\(reason)"])
        case .respond(let reply, let reason):
            logger.debug("rejected UDP query", metadata: ["client": "\(client)", "reason": "\(reason)"])
            write(reply, to: remote)
        case .resolve(let request):
            let waiting = outstanding[address, default: 0]
            guard waiting < maxOutstandingPerClient else {
                // Refuse rather than queue: a client this far ahead is flooding.
                write(DNSMessageBuilder.errorReply(to: request.query, rcode: DNSRcode.refused), to: remote)
                return
            }
            outstanding[address] = waiting + 1
            let limit = request.query.maxUDPReplySize
            let loop = context.eventLoop
            let bound = NIOLoopBound(self, eventLoop: loop)
            pipeline.handle(request) { result in
                if loop.inEventLoop {
                    bound.value.finish(result, to: remote, address: address, limit: limit)
                } else {
                    loop.execute { bound.value.finish(result, to: remote, address: address, limit: limit) }
                }
            }
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

    private func finish(_ result: QueryResult, to remote: SocketAddress, address: String, limit: Int) {
        if let waiting = outstanding[address] {
            if waiting <= 1 { outstanding[address] = nil } else { outstanding[address] = waiting - 1 }
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
