extension IPAddress {
    /// Whether the address points into the host or its local networks
    /// (loopback, RFC 1918, link-local, unique-local, unspecified, and their
    /// v4-mapped forms): what a public name must not resolve to when the
    /// rebinding guard is on. 100.64/10 (CGNAT, also Tailscale) is not counted.
    public var isInternal: Bool {
        switch self {
        case .v4(let value):
            return value >> 24 == 0 || value >> 24 == 10 || value >> 24 == 127  // 0/8, 10/8, 127/8
                || value >> 20 == 0xAC1  // 172.16/12
                || value >> 16 == 0xC0A8  // 192.168/16
                || value >> 16 == 0xA9FE  // 169.254/16
        case .v6(let high, let low):
            if high == 0, low == 0 || low == 1 { return true }  // ::, ::1
            if high == 0, low >> 32 == 0xFFFF { return IPAddress.v4(UInt32(truncatingIfNeeded: low)).isInternal }
            return high >> 57 == 0x7E  // fc00::/7
                || high >> 54 == 0x3FA  // fe80::/10
        }
    }

    /// From 4 (IPv4) or 16 (IPv6) bytes in network order; nil otherwise.
    public init?(bytes: [UInt8]) {
        switch bytes.count {
        case 4: self = .v4(bytes.reduce(0) { $0 << 8 | UInt32($1) })
        case 16: self.init(ipv6Bytes: bytes)
        default: return nil
        }
    }
}
