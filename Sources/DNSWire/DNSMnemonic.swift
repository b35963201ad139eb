/// Names of record types and response codes for logs and the CLI, with the
/// generic forms of RFC 3597 ("TYPE65534") and "RCODE23" for the rest.
public enum DNSMnemonic {
    private static let types: [UInt16: String] = [
        1: "A", 2: "NS", 5: "CNAME", 6: "SOA", 12: "PTR", 13: "HINFO", 15: "MX", 16: "TXT", 28: "AAAA", 29: "LOC",
        33: "SRV", 35: "NAPTR", 39: "DNAME", 41: "OPT", 43: "DS", 46: "RRSIG", 47: "NSEC", 48: "DNSKEY",
        50: "NSEC3", 52: "TLSA", 64: "SVCB", 65: "HTTPS", 99: "SPF", 252: "AXFR", 255: "ANY", 257: "CAA",
    ]
    private static let rcodes: [UInt16: String] = [
        0: "NOERROR", 1: "FORMERR", 2: "SERVFAIL", 3: "NXDOMAIN", 4: "NOTIMP", 5: "REFUSED", 16: "BADVERS",
    ]

    /// "AAAA" for 28, "TYPE65534" for a type without a mnemonic.
    public static func type(_ value: UInt16) -> String {
        types[value] ?? "TYPE\(value)"
    }

    /// The type named `text` ("AAAA", "aaaa", "TYPE65", "65"); nil when unknown.
    public static func typeValue(_ text: String) -> UInt16? {
        let upper = text.uppercased()
        if let value = UInt16(upper) { return value }
        if upper.hasPrefix("TYPE"), let value = UInt16(upper.dropFirst(4)) { return value }
        return types.first { $0.value == upper }?.key
    }

    /// "NXDOMAIN" for 3, "RCODE23" for a code without a mnemonic.
    public static func rcode(_ value: UInt16) -> String {
        rcodes[value] ?? "RCODE\(value)"
    }
}
