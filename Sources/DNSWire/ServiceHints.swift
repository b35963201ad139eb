/// The `ipv4hint` and `ipv6hint` addresses of an SVCB or HTTPS record's
/// RDATA (RFC 9460 §7.3): a client may connect to them without an A/AAAA
/// lookup, so pinning must open them like A/AAAA answers.
enum ServiceHints {
    static let ipv4hint: UInt16 = 4
    static let ipv6hint: UInt16 = 6

    /// The hint addresses in `rdata` (4 or 16 bytes each), in order; empty
    /// for AliasMode (priority 0), no hints, or RDATA that does not parse
    /// (a malformed record opens nothing).
    static func addresses(in rdata: UnsafeBufferPointer<UInt8>.SubSequence) -> [[UInt8]] {
        let bytes = Array(rdata)
        guard bytes.count >= 3 else { return [] }
        let priority = UInt16(bytes[0]) << 8 | UInt16(bytes[1])
        guard priority != 0 else { return [] }
        // TargetName: uncompressed labels (RFC 9460 §2.2 forbids compression).
        var pos = 2
        while true {
            guard pos < bytes.count else { return [] }
            let length = Int(bytes[pos])
            guard length <= 63 else { return [] }
            pos += 1 + length
            if length == 0 { break }
        }
        var addresses: [[UInt8]] = []
        while pos < bytes.count {
            guard pos + 4 <= bytes.count else { return [] }
            let key = UInt16(bytes[pos]) << 8 | UInt16(bytes[pos + 1])
            let length = Int(bytes[pos + 2]) << 8 | Int(bytes[pos + 3])
            let value = pos + 4
            guard value + length <= bytes.count else { return [] }
            let size = key == ipv4hint ? 4 : key == ipv6hint ? 16 : 0
            if size > 0 {
                guard length > 0, length % size == 0 else { return [] }
                for start in stride(from: value, to: value + length, by: size) {
                    addresses.append(Array(bytes[start..<(start + size)]))
                }
            }
            pos = value + length
        }
        return addresses
    }
}
