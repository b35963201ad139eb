@testable import DNSWire

/// Hand-made message bytes for tests that need what the builders refuse to make.
enum RawMessage {
    static func header(id: UInt16 = 0x1234, flags: UInt16 = 0x0100, qd: UInt16 = 1, an: UInt16 = 0, ns: UInt16 = 0, ar: UInt16 = 0) -> [UInt8] {
        var out: [UInt8] = []
        for v in [id, flags, qd, an, ns, ar] { out.append(UInt8(v >> 8)); out.append(UInt8(v & 0xFF)) }
        return out
    }

    /// Uncompressed name from labels.
    static func name(_ labels: String...) -> [UInt8] {
        var out: [UInt8] = []
        for l in labels { out.append(UInt8(l.utf8.count)); out.append(contentsOf: l.utf8) }
        out.append(0)
        return out
    }

    static func u16(_ v: UInt16) -> [UInt8] { [UInt8(v >> 8), UInt8(v & 0xFF)] }
    static func u32(_ v: UInt32) -> [UInt8] { [UInt8(v >> 24), UInt8((v >> 16) & 0xFF), UInt8((v >> 8) & 0xFF), UInt8(v & 0xFF)] }

    /// Record fields after the owner name.
    static func rr(type: UInt16, rrclass: UInt16 = 1, ttl: UInt32 = 60, rdata: [UInt8]) -> [UInt8] {
        u16(type) + u16(rrclass) + u32(ttl) + u16(UInt16(rdata.count)) + rdata
    }

    /// A root-owned OPT record.
    static func opt(payload: UInt16 = 1232, ttl: UInt32 = 0) -> [UInt8] {
        [0] + rr(type: DNSType.opt, rrclass: payload, ttl: ttl, rdata: [])
    }

    /// Question "example.com. A IN".
    static let question: [UInt8] = name("example", "com") + u16(1) + u16(1)

    static func u16(at offset: Int, in wire: [UInt8]) -> UInt16 { UInt16(wire[offset]) << 8 | UInt16(wire[offset + 1]) }
}
