import NIOCore
import Reactor

/// Hands framed messages and failures from an upstream TCP connection to
/// its query, on the reactor thread.
final class TCPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let query: UpstreamQuery
    private let attempt: Int
    private let reactor: Reactor

    init(query: UpstreamQuery, attempt: Int, reactor: Reactor) {
        self.query = query
        self.attempt = attempt
        self.reactor = reactor
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let reply = Self.unwrapInboundIn(data)
        let (query, attempt) = (self.query, self.attempt)
        reactor.execute { query.tcpReceived(reply, attempt: attempt) }
    }

    func channelInactive(context: ChannelHandlerContext) {
        failed("TCP connection closed before a reply")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        failed("\(error)")
    }

    private func failed(_ reason: String) {
        let (query, attempt) = (self.query, self.attempt)
        reactor.execute { query.attemptFailed(attempt: attempt, reason: reason) }
    }
}
