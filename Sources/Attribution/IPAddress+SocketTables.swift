import Glibc
import PinholeCore

/// Address forms the kernel's socket tables and interface lists use.
extension IPAddress {
    /// The IPv4 address inside an IPv4-mapped IPv6 address (::ffff:a.b.c.d),
    /// else the address itself: a dual-stack socket talking to an IPv4 peer
    /// shows the peer mapped, while the peer's own socket is plain IPv4.
    var unmappedIPv4: IPAddress {
        if case .v6(0, let low) = self, low >> 32 == 0xffff {
            return .v4(UInt32(truncatingIfNeeded: low))
        }
        return self
    }

    /// Whether this is a `.v4` address (IPv4-mapped IPv6 addresses are not).
    var isIPv4: Bool {
        if case .v4 = self { return true }
        return false
    }

    /// 0.0.0.0 or :: (a socket bound to every address).
    var isUnspecified: Bool {
        switch self {
        case .v4(let value): return value == 0
        case .v6(let high, let low): return high == 0 && low == 0
        }
    }

    /// 127.0.0.0/8 or ::1 (IPv4-mapped loopback counts as IPv4 loopback).
    var isLoopback: Bool {
        switch unmappedIPv4 {
        case .v4(let value): return value >> 24 == 127
        case .v6(let high, let low): return high == 0 && low == 1
        }
    }

    /// The four 32-bit words of an inet_diag address field (`__be32[4]`),
    /// each holding its bytes in network order; IPv4 uses the first word.
    var diagWords: (UInt32, UInt32, UInt32, UInt32) {
        switch self {
        case .v4(let value):
            return (value.bigEndian, 0, 0, 0)
        case .v6(let high, let low):
            return (
                UInt32(truncatingIfNeeded: high >> 32).bigEndian, UInt32(truncatingIfNeeded: high).bigEndian,
                UInt32(truncatingIfNeeded: low >> 32).bigEndian, UInt32(truncatingIfNeeded: low).bigEndian
            )
        }
    }

    /// The address in an inet_diag address field of a socket of `family`.
    init(diagFamily family: UInt8, words: (UInt32, UInt32, UInt32, UInt32)) {
        if Int32(family) == AF_INET {
            self = .v4(UInt32(bigEndian: words.0))
        } else {
            let high = UInt64(UInt32(bigEndian: words.0)) << 32 | UInt64(UInt32(bigEndian: words.1))
            let low = UInt64(UInt32(bigEndian: words.2)) << 32 | UInt64(UInt32(bigEndian: words.3))
            self = .v6(high, low)
        }
    }
}
