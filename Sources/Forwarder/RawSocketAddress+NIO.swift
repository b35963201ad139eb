import Glibc
import NIOCore
import Reactor

extension RawSocketAddress {
    /// The same address as a NIO `SocketAddress` (IPv4 or IPv6; the
    /// forwarder validates server addresses as numeric, so never Unix).
    init(_ address: SocketAddress) {
        self = address.withSockAddr { pointer, size in
            RawSocketAddress(copying: pointer, length: socklen_t(size))
        }
    }
}
