/// One resource record in its stand-alone wire form: no compression
/// pointers, so it can be handed on outside its message (io.systemd.Resolve's
/// `ResolveRecord` returns records like this, base64-encoded).
public struct ExpandedRecord: Sendable, Hashable {
    /// The whole record: owner, type, class, TTL, length, data.
    public var wire: [UInt8]
    /// Owner name, uncompressed wire form, letter case as received.
    public var name: [UInt8]
    public var type: UInt16
    public var rrclass: UInt16
    public var ttl: UInt32
    /// The record data, names in it expanded.
    public var rdata: [UInt8]

    /// A record from its stand-alone wire form; nil when `wire` is not one
    /// whole record (a name that does not end, a length past the end).
    public init?(wire: [UInt8]) {
        var pos = 0
        while pos < wire.count {
            let length = Int(wire[pos])
            guard length & 0xC0 == 0 else { return nil }
            pos += 1 + length
            if length == 0 { break }
        }
        guard pos + 10 <= wire.count, pos > 0, wire[pos - 1] == 0 else { return nil }
        func u16(_ at: Int) -> UInt16 { UInt16(wire[at]) << 8 | UInt16(wire[at + 1]) }
        let rdataLength = Int(u16(pos + 8))
        guard pos + 10 + rdataLength == wire.count else { return nil }
        self.wire = wire
        name = Array(wire[..<pos])
        type = u16(pos)
        rrclass = u16(pos + 2)
        ttl = UInt32(u16(pos + 4)) << 16 | UInt32(u16(pos + 6))
        rdata = Array(wire[(pos + 10)...])
    }

    /// The owner name as text ("www.example.com").
    public var nameText: String { DNSName.text(fromWire: name) }
}
