/// Bounds-checked reads over a message; every read either succeeds or throws,
/// whatever the bytes, so parsing never traps.
///
/// Only valid inside the `withUnsafeBufferPointer` call that produced `bytes`.
struct WireReader {
    let bytes: UnsafeBufferPointer<UInt8>

    var count: Int { bytes.count }

    @inline(__always)
    func u8(_ at: Int, _ what: StaticString) throws(WireError) -> UInt8 {
        guard at >= 0, at < bytes.count else { throw WireError("message ends inside \(what)", offset: at) }
        return bytes[at]
    }

    @inline(__always)
    func u16(_ at: Int, _ what: StaticString) throws(WireError) -> UInt16 {
        guard at >= 0, at <= bytes.count - 2 else { throw WireError("message ends inside \(what)", offset: at) }
        return UInt16(bytes[at]) << 8 | UInt16(bytes[at + 1])
    }

    @inline(__always)
    func u32(_ at: Int, _ what: StaticString) throws(WireError) -> UInt32 {
        guard at >= 0, at <= bytes.count - 4 else { throw WireError("message ends inside \(what)", offset: at) }
        return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }

    /// Offset just past the (possibly compressed) name at `start`.
    ///
    /// A compression pointer must point into the message body (past the header)
    /// and strictly before the start of the labels it was found in, so targets
    /// strictly decrease and the walk always ends.
    func skipName(at start: Int) throws(WireError) -> Int {
        var pos = start
        var segmentStart = start
        var end: Int? = nil
        var length = 1 // the root label
        while true {
            let len = try u8(pos, "a name")
            switch len & 0xC0 {
            case 0x00:
                if len == 0 { return end ?? pos + 1 }
                length += 1 + Int(len)
                guard length <= 255 else { throw WireError("name longer than 255 bytes", offset: start) }
                pos += 1 + Int(len)
                guard pos < bytes.count else { throw WireError("message ends inside a name", offset: start) }
            case 0xC0:
                let low = try u8(pos + 1, "a compression pointer")
                let target = Int(len & 0x3F) << 8 | Int(low)
                guard target >= 12, target < segmentStart else {
                    throw WireError("compression pointer to byte \(target) does not point backwards into the body", offset: pos)
                }
                if end == nil { end = pos + 2 }
                segmentStart = target
                pos = target
            default:
                throw WireError("label length byte 0x\(String(len, radix: 16)) is not a label length (max 63) or pointer", offset: pos)
            }
        }
    }

    /// Wire length (root included) of the uncompressed name at `start`.
    func uncompressedNameLength(at start: Int) throws(WireError) -> Int {
        var pos = start
        while true {
            let len = try u8(pos, "a name")
            if len == 0 { return pos + 1 - start }
            guard len & 0xC0 == 0 else {
                if len & 0xC0 == 0xC0 { throw WireError("compression pointer in the question name", offset: pos) }
                throw WireError("label length byte 0x\(String(len, radix: 16)) is not a label length (max 63)", offset: pos)
            }
            pos += 1 + Int(len)
            guard pos + 1 - start <= 255 else { throw WireError("name longer than 255 bytes", offset: start) }
        }
    }

    /// The uncompressed name at `start`, ASCII-lowercased, and the offset past it.
    func lowercasedName(at start: Int) throws(WireError) -> (name: [UInt8], end: Int) {
        let length = try uncompressedNameLength(at: start)
        let base = bytes.baseAddress! + start // non-nil: the length check read at least one byte
        let name = [UInt8](unsafeUninitializedCapacity: length) { out, initialized in
            for i in 0..<length {
                let b = base[i]
                out[i] = (b >= 0x41 && b <= 0x5A) ? b | 0x20 : b
            }
            initialized = length
        }
        return (name, start + length)
    }

    /// The record starting at `start`, with its data bounds checked.
    func record(at start: Int) throws(WireError) -> WireRecord {
        let nameEnd = try skipName(at: start)
        guard nameEnd <= bytes.count - 10 else { throw WireError("message ends inside a record header", offset: nameEnd) }
        let type = UInt16(bytes[nameEnd]) << 8 | UInt16(bytes[nameEnd + 1])
        let rrclass = UInt16(bytes[nameEnd + 2]) << 8 | UInt16(bytes[nameEnd + 3])
        let ttl = try u32(nameEnd + 4, "a TTL")
        let rdlength = Int(try u16(nameEnd + 8, "an RDLENGTH"))
        let rdataStart = nameEnd + 10
        guard rdlength <= bytes.count - rdataStart else {
            throw WireError("record data of \(rdlength) bytes runs past the end of the message", offset: rdataStart)
        }
        return WireRecord(
            start: start, type: type, rrclass: rrclass, ttl: ttl, ttlOffset: nameEnd + 4,
            rdataStart: rdataStart, end: rdataStart + rdlength, ownerIsRoot: bytes[start] == 0
        )
    }

    /// The EDNS information of the OPT record `record`, the `index`th record
    /// of the message, after checking it may stand there (RFC 6891 §6.1.1):
    /// in the additional section, owned by the root, the only one.
    static func checkedOPT(_ record: WireRecord, index: Int, firstAdditional: Int, alreadySeen: Bool) throws(WireError) -> EDNSInfo {
        guard index >= firstAdditional else { throw WireError("OPT record outside the additional section", offset: record.start) }
        guard record.ownerIsRoot else { throw WireError("OPT record owner is not the root", offset: record.start) }
        guard !alreadySeen else { throw WireError("second OPT record", offset: record.start) }
        return ednsInfo(of: record)
    }

    /// What an OPT record's CLASS and TTL fields say.
    static func ednsInfo(of record: WireRecord) -> EDNSInfo {
        EDNSInfo(
            udpPayloadSize: record.rrclass,
            dnssecOK: record.ttl & 0x8000 != 0,
            version: UInt8((record.ttl >> 16) & 0xFF),
            extendedRcodeHigh: UInt8(record.ttl >> 24)
        )
    }
}
