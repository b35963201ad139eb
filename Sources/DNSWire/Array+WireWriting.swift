extension Array where Element == UInt8 {
    /// Appends `value` in network byte order.
    @inline(__always)
    mutating func appendU16(_ value: UInt16) {
        append(UInt8(value >> 8))
        append(UInt8(value & 0xFF))
    }

    /// Appends `value` in network byte order.
    @inline(__always)
    mutating func appendU32(_ value: UInt32) {
        append(UInt8(value >> 24))
        append(UInt8((value >> 16) & 0xFF))
        append(UInt8((value >> 8) & 0xFF))
        append(UInt8(value & 0xFF))
    }

    /// Writes `value` in network byte order at `offset` (which must be in bounds).
    @inline(__always)
    mutating func setU16(_ value: UInt16, at offset: Int) {
        self[offset] = UInt8(value >> 8)
        self[offset + 1] = UInt8(value & 0xFF)
    }

    /// Appends an OPT record: root owner, `payload` as CLASS, no options.
    mutating func appendOPT(payload: UInt16, extendedRcodeHigh: UInt8, version: UInt8 = 0, dnssecOK: Bool) {
        append(0)
        appendU16(DNSType.opt)
        appendU16(payload)
        appendU32(UInt32(extendedRcodeHigh) << 24 | UInt32(version) << 16 | (dnssecOK ? 0x8000 : 0))
        appendU16(0)
    }
}
