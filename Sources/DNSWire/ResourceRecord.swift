#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// One resource record to put in a built reply (tests, the fake upstream,
/// locally generated answers).
///
/// The factories are for trusted, literal input: an address or name that
/// cannot be encoded is a programming error and traps, with a message saying
/// which value was wrong.
public struct ResourceRecord: Hashable, Sendable {
    /// Owner name in presentation form.
    public var name: String
    /// Record TYPE.
    public var type: UInt16
    /// Record CLASS (1 = IN).
    public var rrclass: UInt16
    /// TTL in seconds.
    public var ttl: UInt32
    /// Record data in wire form (names in it uncompressed).
    public var rdata: [UInt8]

    /// A record from its parts.
    public init(name: String, type: UInt16, rrclass: UInt16 = 1, ttl: UInt32, rdata: [UInt8]) {
        self.name = name
        self.type = type
        self.rrclass = rrclass
        self.ttl = ttl
        self.rdata = rdata
    }

    /// An A record; `address` in dotted-quad form.
    public static func a(_ name: String, _ address: String, ttl: UInt32 = 300) -> ResourceRecord {
        var raw = in_addr()
        guard inet_pton(AF_INET, address, &raw) == 1 else {
            preconditionFailure("ResourceRecord.a: '\(address)' is not an IPv4 address")
        }
        let bytes = withUnsafeBytes(of: &raw) { Array($0) } // network order already
        return ResourceRecord(name: name, type: DNSType.a, ttl: ttl, rdata: bytes)
    }

    /// An AAAA record; `address` in any form inet_pton accepts.
    public static func aaaa(_ name: String, _ address: String, ttl: UInt32 = 300) -> ResourceRecord {
        var raw = in6_addr()
        guard inet_pton(AF_INET6, address, &raw) == 1 else {
            preconditionFailure("ResourceRecord.aaaa: '\(address)' is not an IPv6 address")
        }
        let bytes = withUnsafeBytes(of: &raw) { Array($0) }
        return ResourceRecord(name: name, type: DNSType.aaaa, ttl: ttl, rdata: bytes)
    }

    /// A CNAME record pointing at `target`.
    public static func cname(_ name: String, _ target: String, ttl: UInt32 = 300) -> ResourceRecord {
        ResourceRecord(name: name, type: DNSType.cname, ttl: ttl, rdata: encodedName(target, in: "cname"))
    }

    /// A TXT record with one character-string per element (each ≤ 255 bytes).
    public static func txt(_ name: String, _ strings: [String], ttl: UInt32 = 300) -> ResourceRecord {
        var rdata: [UInt8] = []
        for string in strings {
            let bytes = Array(string.utf8)
            precondition(bytes.count <= 255, "ResourceRecord.txt: a string of \(bytes.count) bytes is over 255")
            rdata.append(UInt8(bytes.count))
            rdata.append(contentsOf: bytes)
        }
        return ResourceRecord(name: name, type: DNSType.txt, ttl: ttl, rdata: rdata)
    }

    /// An SOA record for `zone` (RFC 1035 §3.3.13); `rname` in name form
    /// ("hostmaster.example.com.").
    public static func soa(
        _ zone: String, mname: String, rname: String, serial: UInt32 = 1, refresh: UInt32 = 7200,
        retry: UInt32 = 3600, expire: UInt32 = 1_209_600, minimum: UInt32 = 300, ttl: UInt32 = 300
    ) -> ResourceRecord {
        var rdata = encodedName(mname, in: "soa mname")
        rdata.append(contentsOf: encodedName(rname, in: "soa rname"))
        for value in [serial, refresh, retry, expire, minimum] { rdata.appendU32(value) }
        return ResourceRecord(name: zone, type: DNSType.soa, ttl: ttl, rdata: rdata)
    }

    /// A record of any type with the given data, copied as is.
    public static func raw(_ name: String, _ type: UInt16, _ rdata: [UInt8], ttl: UInt32 = 300) -> ResourceRecord {
        ResourceRecord(name: name, type: type, ttl: ttl, rdata: rdata)
    }

    /// Appends the record in wire form (owner name uncompressed).
    func append(to out: inout [UInt8]) {
        out.append(contentsOf: Self.encodedName(name, in: "owner"))
        out.appendU16(type)
        out.appendU16(rrclass)
        out.appendU32(ttl)
        precondition(rdata.count <= 0xFFFF, "ResourceRecord: data of \(rdata.count) bytes is over 65535")
        out.appendU16(UInt16(rdata.count))
        out.append(contentsOf: rdata)
    }

    private static func encodedName(_ text: String, in field: String) -> [UInt8] {
        do {
            return try DNSName.wire(fromText: text, lowercase: false)
        } catch {
            preconditionFailure("ResourceRecord \(field): \(error)")
        }
    }
}
