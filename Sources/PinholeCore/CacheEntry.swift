/// One stored answer. Immutable, so a lookup only retains it under the lock
/// and renders the reply after releasing it.
final class CacheEntry: Sendable {
    /// The reply with its TTLs rewritten to their clamped values.
    let wire: [UInt8]
    /// Byte offsets of every TTL field in `wire`.
    let ttlOffsets: [Int]
    /// Monotonic milliseconds at insertion.
    let storedAt: UInt64
    /// Monotonic milliseconds from which the entry is no longer fresh.
    let expiresAt: UInt64
    /// Aliases and addresses of the answer, for policy on a hit.
    let facts: AnswerFacts

    init(wire: [UInt8], ttlOffsets: [Int], storedAt: UInt64, expiresAt: UInt64, facts: AnswerFacts = .none) {
        self.wire = wire
        self.facts = facts
        self.ttlOffsets = ttlOffsets
        self.storedAt = storedAt
        self.expiresAt = expiresAt
    }

    /// The stored reply with `id`, and each TTL lowered by `elapsedSeconds`
    /// (never below 0), or set to `fixedTTL` when given.
    func render(id: UInt16, elapsedSeconds: UInt32, fixedTTL: UInt32? = nil) -> [UInt8] {
        var out = wire
        out.withUnsafeMutableBufferPointer { bytes in
            bytes[0] = UInt8(truncatingIfNeeded: id >> 8)
            bytes[1] = UInt8(truncatingIfNeeded: id)
            for offset in ttlOffsets {
                let stored = UInt32(bytes[offset]) << 24 | UInt32(bytes[offset + 1]) << 16
                    | UInt32(bytes[offset + 2]) << 8 | UInt32(bytes[offset + 3])
                let ttl = fixedTTL ?? (stored > elapsedSeconds ? stored - elapsedSeconds : 0)
                CacheEntry.writeTTL(ttl, at: offset, in: bytes)
            }
        }
        return out
    }

    static func writeTTL(_ ttl: UInt32, at offset: Int, in bytes: UnsafeMutableBufferPointer<UInt8>) {
        bytes[offset] = UInt8(truncatingIfNeeded: ttl >> 24)
        bytes[offset + 1] = UInt8(truncatingIfNeeded: ttl >> 16)
        bytes[offset + 2] = UInt8(truncatingIfNeeded: ttl >> 8)
        bytes[offset + 3] = UInt8(truncatingIfNeeded: ttl)
    }
}
