/// Small in-place edits of replies handed to clients.
enum ReplyEditing {
    /// The RCODE in a reply's header (answers from the cache never carry an
    /// extended RCODE: only NOERROR and NXDOMAIN are cached).
    static func headerRcode(_ wire: [UInt8]) -> UInt16 {
        wire.count >= 4 ? UInt16(wire[3] & 0x0F) : 0
    }

    /// Copies the question name of `query` into `reply` when both carry the
    /// same name up to ASCII case, so a reply shared between clients (cache,
    /// coalescing) echoes each client's own spelling, as 0x20-randomizing
    /// clients check. Both questions start uncompressed at byte 12.
    static func echoQuestionCase(of query: [UInt8], into reply: inout [UInt8]) {
        guard query.count > 12, reply.count > 12,
            query[4] == 0, query[5] == 1, reply[4] == 0, reply[5] == 1
        else { return }
        var end = 12
        while end < query.count, end < reply.count {
            let length = Int(query[end])
            if length == 0 { break }
            guard length < 64, end + 1 + length < query.count, end + 1 + length < reply.count,
                reply[end] == query[end]
            else { return }
            end += 1 + length
        }
        guard end < query.count, end < reply.count, reply[end] == 0, end > 12 else { return }
        for i in 13..<end where asciiLower(query[i]) != asciiLower(reply[i]) {
            return
        }
        reply.withUnsafeMutableBufferPointer { out in
            for i in 12..<end { out[i] = query[i] }
        }
    }

    private static func asciiLower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }
}
