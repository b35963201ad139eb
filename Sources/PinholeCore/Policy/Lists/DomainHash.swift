/// The 64-bit key a name is stored and looked up under in `DomainSet`.
///
/// FNV-1a run over the name's bytes from the last to the first, so one pass
/// over a query name from the right yields the key of every parent as it
/// reaches each dot ("c", then "b.c", then "a.b.c"); the state is then
/// finished with murmur3's fmix64 so the low bits index the table well.
///
/// Names are not stored, only keys: two different names with the same key
/// would match each other. With N stored names and a query of L labels the
/// chance of such a false match is about L·N/2⁶⁴ per lookup (≈ 2·10⁻¹³ for
/// 1,000,000 entries and 4 labels), well below any other source of error.
enum DomainHash {
    static let offsetBasis: UInt64 = 0xcbf2_9ce4_8422_2325
    static let prime: UInt64 = 0x0000_0100_0000_01b3

    /// Feeds one byte (called right to left).
    @inline(__always)
    static func step(_ state: UInt64, _ byte: UInt8) -> UInt64 {
        (state ^ UInt64(byte)) &* prime
    }

    /// The key for a state that has consumed a whole name; never 0 (0 marks
    /// an empty table slot).
    @inline(__always)
    static func finish(_ state: UInt64) -> UInt64 {
        var key = state
        key ^= key >> 33
        key &*= 0xff51_afd7_ed55_8ccd
        key ^= key >> 33
        key &*= 0xc4ce_b9fe_1a85_ec53
        key ^= key >> 33
        return key == 0 ? 1 : key
    }

    /// The key of a normalized name.
    static func key(of name: UnsafeBufferPointer<UInt8>) -> UInt64 {
        var state = offsetBasis
        var index = name.count
        while index > 0 {
            index -= 1
            state = step(state, name[index])
        }
        return finish(state)
    }

    /// The key of a normalized name given as text.
    static func key(of name: String) -> UInt64 {
        var copy = name
        return copy.withUTF8 { key(of: $0) }
    }
}
