extension WireReader {
    /// The name at `start` with compression pointers followed (the rules of
    /// `skipName` keep the walk finite), ASCII-lowercased, in uncompressed
    /// wire form ending with the root label.
    func expandedLowercasedName(at start: Int) throws(WireError) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        var pos = start
        var segmentStart = start
        while true {
            let len = try u8(pos, "a name")
            switch len & 0xC0 {
            case 0x00:
                out.append(len)
                if len == 0 { return out }
                guard out.count + Int(len) < 255 else { throw WireError("name longer than 255 bytes", offset: start) }
                for offset in 1...Int(len) {
                    let b = try u8(pos + offset, "a label")
                    out.append((b >= 0x41 && b <= 0x5A) ? b | 0x20 : b)
                }
                pos += 1 + Int(len)
            case 0xC0:
                let low = try u8(pos + 1, "a compression pointer")
                let target = Int(len & 0x3F) << 8 | Int(low)
                guard target >= 12, target < segmentStart else {
                    throw WireError("compression pointer to byte \(target) does not point backwards into the body", offset: pos)
                }
                segmentStart = target
                pos = target
            default:
                throw WireError("label length byte 0x\(String(len, radix: 16)) is not a label length (max 63) or pointer", offset: pos)
            }
        }
    }
}
