import NIOCore

/// Splits a varlink stream into messages at each NUL byte. A message longer
/// than `maxBytes` without its NUL fails the channel with `.tooLarge`.
struct VarlinkFrameDecoder: ByteToMessageDecoder {
    typealias InboundOut = [UInt8]

    /// A client sent more than `limit` bytes without a NUL.
    struct TooLarge: Error, CustomStringConvertible {
        var limit: Int
        var description: String { "varlink message over \(limit) bytes" }
    }

    let maxBytes: Int

    init(maxBytes: Int = VarlinkMessage.maxMessageBytes) {
        self.maxBytes = maxBytes
    }

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let nul = buffer.readableBytesView.firstIndex(of: 0) else {
            if buffer.readableBytes > maxBytes { throw TooLarge(limit: maxBytes) }
            return .needMoreData
        }
        let length = nul - buffer.readerIndex
        if length > maxBytes { throw TooLarge(limit: maxBytes) }
        let message = buffer.readBytes(length: length) ?? []
        buffer.moveReaderIndex(forwardBy: 1)
        context.fireChannelRead(wrapInboundOut(message))
        return .continue
    }

    mutating func decodeLast(context: ChannelHandlerContext, buffer: inout ByteBuffer, seenEOF: Bool) throws -> DecodingState {
        // An unterminated tail at EOF is no message; drop it.
        while try decode(context: context, buffer: &buffer) == .continue {}
        buffer.moveReaderIndex(to: buffer.writerIndex)
        return .needMoreData
    }
}
