import Glibc
import PinholeCore

extension ClientEndpoint {
    /// From a kernel socket address (as `recvmmsg` fills in), without going
    /// through text; nil for families other than IPv4 and IPv6.
    init?(sockaddr address: UnsafePointer<sockaddr>) {
        switch Int32(address.pointee.sa_family) {
        case AF_INET:
            let v4 = UnsafeRawPointer(address).load(as: sockaddr_in.self)
            self.init(ip: .v4(UInt32(bigEndian: v4.sin_addr.s_addr)), port: Int(UInt16(bigEndian: v4.sin_port)))
        case AF_INET6:
            let v6 = UnsafeRawPointer(address).load(as: sockaddr_in6.self)
            let (high, low) = withUnsafeBytes(of: v6.sin6_addr) { raw in
                (UInt64(bigEndian: raw.loadUnaligned(as: UInt64.self)),
                 UInt64(bigEndian: raw.loadUnaligned(fromByteOffset: 8, as: UInt64.self)))
            }
            self.init(ip: .v6(high, low), port: Int(UInt16(bigEndian: v6.sin6_port)))
        default:
            return nil
        }
    }
}
