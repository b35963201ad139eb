import DNSWire
import NIOCore

/// Cheap checks that a reply belongs to our query, made before any parsing:
/// the header ID, QR=1, one question and that question equal to ours
/// (name compared ASCII-case-insensitively, type and class exactly).
///
/// Anything that fails here is ignored rather than treated as a server
/// failure: it may be a spoof or a late reply to an earlier attempt.
enum ReplyMatcher {
    /// Whether `reply` answers the query sent with `id` for `question`.
    static func matches(_ reply: ByteBuffer, id: UInt16, question: DNSQuestion) -> Bool {
        reply.withUnsafeReadableBytes { matches($0, id: id, question: question) }
    }

    /// Same check over raw bytes.
    static func matches(_ reply: UnsafeRawBufferPointer, id: UInt16, question: DNSQuestion) -> Bool {
        let name = question.name
        let end = 12 + name.count + 4
        guard reply.count >= end else { return false }
        guard UInt16(reply[0]) << 8 | UInt16(reply[1]) == id else { return false }
        guard reply[2] & 0x80 != 0 else { return false }  // QR
        guard reply[4] == 0, reply[5] == 1 else { return false }  // qdcount 1
        // A reply's question comes first after the header, so it cannot be
        // compressed: compare it byte by byte with the lowercased query name.
        for i in 0..<name.count where Self.lower(reply[12 + i]) != name[i] {
            return false
        }
        let tail = 12 + name.count
        return UInt16(reply[tail]) << 8 | UInt16(reply[tail + 1]) == question.type
            && UInt16(reply[tail + 2]) << 8 | UInt16(reply[tail + 3]) == question.qclass
    }

    @inline(__always)
    private static func lower(_ byte: UInt8) -> UInt8 {
        byte &- 0x41 < 26 ? byte | 0x20 : byte
    }
}
