import NIOCore

/// Hands datagrams from the upstream's UDP socket to the query.
final class UDPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = AddressedEnvelope<ByteBuffer>

    private let query: UpstreamQuery
    private let attempt: Int

    init(query: UpstreamQuery, attempt: Int) {
        self.query = query
        self.attempt = attempt
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        let envelope = Self.unwrapInboundIn(data)
        query.received(envelope.data, from: envelope.remoteAddress, attempt: attempt)
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        // On a connected UDP socket an ICMP port unreachable surfaces here.
        query.attemptFailed(attempt: attempt, reason: "\(error)")
    }
}

/// Hands framed messages from the upstream's TCP connection to the query.
final class TCPReplyHandler: ChannelInboundHandler {
    typealias InboundIn = ByteBuffer

    private let query: UpstreamQuery
    private let attempt: Int

    init(query: UpstreamQuery, attempt: Int) {
        self.query = query
        self.attempt = attempt
    }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        query.received(Self.unwrapInboundIn(data), from: nil, attempt: attempt)
    }

    func channelInactive(context: ChannelHandlerContext) {
        query.attemptFailed(attempt: attempt, reason: "TCP connection closed before a reply")
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        query.attemptFailed(attempt: attempt, reason: "\(error)")
    }
}
