import NIOCore
import PinholeCore

extension ClientEndpoint {
    /// From a NIO socket address, without going through text; nil for Unix sockets.
    init?(_ address: SocketAddress) {
        switch address {
        case .v4(let v4):
            self.init(ip: .v4(UInt32(bigEndian: v4.address.sin_addr.s_addr)), port: Int(UInt16(bigEndian: v4.address.sin_port)))
        case .v6(let v6):
            var raw = v6.address.sin6_addr
            let bytes = withUnsafeBytes(of: &raw) { Array($0) }
            self.init(ip: IPAddress(ipv6Bytes: bytes), port: Int(UInt16(bigEndian: v6.address.sin6_port)))
        case .unixDomainSocket:
            return nil
        }
    }
}
