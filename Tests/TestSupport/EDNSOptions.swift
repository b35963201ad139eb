/// Test-side wire edits that DNSWire has no builder for.
public enum EDNSOptions {
    /// `wire` with `options` added to its OPT record, which must be the last
    /// record and have no options yet (as `DNSMessageBuilder` makes them).
    public static func adding(_ options: [(code: UInt16, data: [UInt8])], to wire: [UInt8]) -> [UInt8] {
        var out = wire
        let rdlengthAt = out.count - 2
        for option in options {
            out += [UInt8(option.code >> 8), UInt8(option.code & 0xFF), UInt8(option.data.count >> 8), UInt8(option.data.count & 0xFF)]
            out += option.data
        }
        let length = out.count - wire.count
        out[rdlengthAt] = UInt8(length >> 8)
        out[rdlengthAt + 1] = UInt8(length & 0xFF)
        return out
    }
}
