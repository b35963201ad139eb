import Glibc

/// An IPv4 or IPv6 socket address as the kernel takes it (`sockaddr_in` or
/// `sockaddr_in6` in a `sockaddr_storage`), made once so that system calls
/// convert nothing.
public struct RawSocketAddress: @unchecked Sendable {
    /// AF_INET or AF_INET6.
    public var family: Int32 { Int32(storage.ss_family) }
    /// Holds a `sockaddr_in` or `sockaddr_in6`.
    private var storage: sockaddr_storage
    private var length: socklen_t

    /// A copy of the `length` bytes at `address`.
    public init(copying address: UnsafePointer<sockaddr>, length: socklen_t) {
        var storage = sockaddr_storage()
        let count = min(Int(length), MemoryLayout<sockaddr_storage>.size)
        withUnsafeMutableBytes(of: &storage) { raw in
            raw.copyMemory(from: UnsafeRawBufferPointer(start: address, count: count))
        }
        self.storage = storage
        self.length = socklen_t(count)
    }

    /// From a numeric IPv4 or IPv6 address ("127.0.0.1", "::1") and a port;
    /// nil when `host` is neither.
    public init?(numericHost host: String, port: Int) {
        guard let port = UInt16(exactly: port) else { return nil }
        var storage = sockaddr_storage()
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in.self)
                address.pointee.sin_family = sa_family_t(AF_INET)
                address.pointee.sin_port = port.bigEndian
                address.pointee.sin_addr = v4
            }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in>.size)
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            withUnsafeMutableBytes(of: &storage) { raw in
                let address = raw.baseAddress!.assumingMemoryBound(to: sockaddr_in6.self)
                address.pointee.sin6_family = sa_family_t(AF_INET6)
                address.pointee.sin6_port = port.bigEndian
                address.pointee.sin6_addr = v6
            }
            self.storage = storage
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
        } else {
            return nil
        }
    }

    /// Calls `body` with the address as a `sockaddr` pointer and its length.
    public func withSockAddr<Result>(_ body: (UnsafePointer<sockaddr>, socklen_t) throws -> Result) rethrows -> Result {
        try withUnsafeBytes(of: storage) { raw in
            try body(raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), length)
        }
    }
}
