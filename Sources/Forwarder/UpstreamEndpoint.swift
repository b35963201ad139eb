import NIOCore

import Glibc

/// An upstream server's address as a C `sockaddr`, made once at start so
/// that connecting a per-query socket converts nothing.
struct UpstreamEndpoint: @unchecked Sendable {
    /// AF_INET or AF_INET6.
    let family: Int32
    /// Holds a `sockaddr_in` or `sockaddr_in6`; never mutated after init.
    private let storage: sockaddr_storage
    private let length: socklen_t

    init(_ address: SocketAddress) {
        var storage = sockaddr_storage()
        var length = socklen_t(0)
        address.withSockAddr { pointer, size in
            withUnsafeMutableBytes(of: &storage) { raw in
                raw.copyMemory(from: UnsafeRawBufferPointer(start: pointer, count: size))
            }
            length = socklen_t(size)
        }
        self.storage = storage
        self.length = length
        family = Int32(storage.ss_family)
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> Result) -> Result {
        withUnsafeBytes(of: storage) { raw in
            body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
