import DNSWire
import Logging
import NIOCore
import PinholeCore

/// Answers DNS over one TCP connection (frames already split by the
/// length-field decoder in front of it).
///
/// Pipelined queries are handled concurrently and answered in the order
/// they complete (RFC 7766 §6.2.1.1). When `maxOutstanding` queries are in
/// flight the handler stops reading, so a client cannot queue unbounded work.
/// The connection closes after `idle` without a query once nothing is
/// pending, and after the client half-closes once everything is answered.
final class TCPQueryHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer
    typealias OutboundOut = ByteBuffer

    private let pipeline: any QueryHandler
    private let maxOutstanding: Int
    private let logger: Logger
    private var outstanding = 0
    private var inputClosed = false
    private var readPaused = false
    /// Frames received while `maxOutstanding` queries were in flight.
    private var waiting: [[UInt8]] = []
    private var client: ClientEndpoint?
    private var local: ClientEndpoint?

    init(pipeline: any QueryHandler, maxOutstanding: Int, logger: Logger) {
        self.pipeline = pipeline
        self.maxOutstanding = maxOutstanding
        self.logger = logger
    }

    func channelActive(context: ChannelHandlerContext) {
        client = context.remoteAddress.flatMap(ClientEndpoint.init)
        local = context.localAddress.flatMap(ClientEndpoint.init)
        context.fireChannelActive()
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let bytes = Array(unwrapInboundIn(data).readableBytesView)
        // Frames already read past the cap (one socket read can hold many)
        // wait here; reading from the socket is paused meanwhile.
        if outstanding >= maxOutstanding || !waiting.isEmpty {
            waiting.append(bytes)
            pauseReading(context: context)
            return
        }
        process(bytes, context: context)
    }

    private func process(_ bytes: [UInt8], context: ChannelHandlerContext) {
        guard let client else { return }
        switch QueryFrontend.decide(bytes, transport: .tcp, client: client, local: local) {
        case .drop(let reason):
            // Garbage on a stream leaves nothing to resynchronize on.
            logger.debug("closing TCP connection", metadata: ["client": "\(client)", "reason": "\(reason)"])
            context.close(promise: nil)
        case .respond(let reply, let reason):
            logger.debug("rejected TCP query", metadata: ["client": "\(client)", "reason": "\(reason)"])
            context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: reply)), promise: nil)
        case .resolve(let request):
            outstanding += 1
            if outstanding >= maxOutstanding { pauseReading(context: context) }
            let loop = context.eventLoop
            let bound = NIOLoopBound((self, context), eventLoop: loop)
            pipeline.handle(request) { result in
                if loop.inEventLoop {
                    bound.value.0.finish(result, context: bound.value.1)
                } else {
                    loop.execute { bound.value.0.finish(result, context: bound.value.1) }
                }
            }
        }
    }

    func userInboundEventTriggered(context: ChannelHandlerContext, event: Any) {
        if let idle = event as? IdleStateHandler.IdleStateEvent, idle == .read {
            if outstanding == 0 {
                logger.debug("closing idle TCP connection", metadata: ["client": "\(client.map { "\($0)" } ?? "?")"])
                context.close(promise: nil)
            }
            return
        }
        if let channelEvent = event as? ChannelEvent, channelEvent == .inputClosed {
            inputClosed = true
            if outstanding == 0 && waiting.isEmpty { context.close(promise: nil) }
            return
        }
        context.fireUserInboundEventTriggered(event)
    }

    func errorCaught(context: ChannelHandlerContext, error: Error) {
        logger.debug("TCP connection error", metadata: ["client": "\(client.map { "\($0)" } ?? "?")", "error": "\(error)"])
        context.close(promise: nil)
    }

    private func finish(_ result: QueryResult, context: ChannelHandlerContext) {
        outstanding -= 1
        guard context.channel.isActive else { return }
        context.writeAndFlush(wrapOutboundOut(context.channel.allocator.buffer(bytes: result.wire)), promise: nil)
        while outstanding < maxOutstanding && !waiting.isEmpty {
            process(waiting.removeFirst(), context: context)
        }
        if inputClosed && outstanding == 0 && waiting.isEmpty {
            context.close(promise: nil)
        } else if readPaused && outstanding < maxOutstanding && waiting.isEmpty {
            readPaused = false
            context.channel.setOption(ChannelOptions.autoRead, value: true).whenComplete { _ in }
            context.read()
        }
    }

    private func pauseReading(context: ChannelHandlerContext) {
        guard !readPaused else { return }
        readPaused = true
        context.channel.setOption(ChannelOptions.autoRead, value: false).whenComplete { _ in }
    }
}
