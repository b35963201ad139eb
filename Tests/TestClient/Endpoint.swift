#if canImport(Glibc)
import Glibc
#endif

/// A numeric socket address: "127.0.0.1:53" or "[::1]:53".
struct Endpoint {
    private(set) var storage = sockaddr_storage()
    private(set) var length: socklen_t = 0

    /// Parses "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6).
    init(parsing text: String) throws(ClientError) {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"), text[text.index(after: close)...].hasPrefix(":") else {
                throw ClientError("bad address \(text): want [v6]:port")
            }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
        } else {
            guard let colon = text.lastIndex(of: ":") else { throw ClientError("bad address \(text): want addr:port") }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
        }
        guard let port = UInt16(portText) else { throw ClientError("bad port in \(text)") }
        try self.init(host: String(host), port: port)
    }

    /// A numeric IPv4 or IPv6 `host` and a port.
    init(host: String, port: UInt16) throws(ClientError) {
        var v4 = in_addr()
        var v6 = in6_addr()
        if inet_pton(AF_INET, host, &v4) == 1 {
            var sin = sockaddr_in()
            sin.sin_family = sa_family_t(AF_INET)
            sin.sin_port = port.bigEndian
            sin.sin_addr = v4
            set(sin)
        } else if inet_pton(AF_INET6, host, &v6) == 1 {
            var sin6 = sockaddr_in6()
            sin6.sin6_family = sa_family_t(AF_INET6)
            sin6.sin6_port = port.bigEndian
            sin6.sin6_addr = v6
            set(sin6)
        } else {
            throw ClientError("not a numeric address: \(host)")
        }
    }

    /// An address the kernel filled in (getsockname, recvfrom).
    init(storage: sockaddr_storage, length: socklen_t) {
        self.storage = storage
        self.length = length
    }

    /// `AF_INET` or `AF_INET6`.
    var family: Int32 { Int32(storage.ss_family) }

    /// The same IPv4 endpoint as an IPv4-mapped IPv6 one (`::ffff:a.b.c.d`),
    /// for an AF_INET6 socket talking to a v4 server; IPv6 stays as it is.
    var mappedToIPv6: Endpoint {
        guard family == AF_INET else { return self }
        let sin = withUnsafeBytes(of: storage) { $0.loadUnaligned(as: sockaddr_in.self) }
        var sin6 = sockaddr_in6()
        sin6.sin6_family = sa_family_t(AF_INET6)
        sin6.sin6_port = sin.sin_port
        withUnsafeMutableBytes(of: &sin6.sin6_addr) { raw in
            raw[10] = 0xFF
            raw[11] = 0xFF
            withUnsafeBytes(of: sin.sin_addr) { raw.baseAddress!.advanced(by: 12).copyMemory(from: $0.baseAddress!, byteCount: 4) }
        }
        var copy = Endpoint(storage: sockaddr_storage(), length: 0)
        copy.set(sin6)
        return copy
    }

    /// "127.0.0.1:53" or "[::1]:53".
    var text: String {
        var buffer = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN) + 1)
        let port = withUnsafeBytes(of: storage) { UInt16(bigEndian: $0.loadUnaligned(fromByteOffset: 2, as: UInt16.self)) }
        withUnsafeBytes(of: storage) { raw in
            let offset = family == AF_INET6 ? 8 : 4  // sin6_addr / sin_addr
            _ = inet_ntop(family, raw.baseAddress! + offset, &buffer, socklen_t(buffer.count))
        }
        let host = String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
        return family == AF_INET6 ? "[\(host)]:\(port)" : "\(host):\(port)"
    }

    /// Calls `body` with a `sockaddr` pointer and its length.
    func withSockaddr<R>(_ body: (UnsafePointer<sockaddr>, socklen_t) -> R) -> R {
        withUnsafeBytes(of: storage) { body($0.baseAddress!.assumingMemoryBound(to: sockaddr.self), length) }
    }

    private mutating func set<T>(_ address: T) {
        storage = sockaddr_storage()
        withUnsafeMutableBytes(of: &storage) { dst in
            withUnsafeBytes(of: address) { dst.copyMemory(from: $0) }
        }
        length = socklen_t(MemoryLayout<T>.size)
    }
}
