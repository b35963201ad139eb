import Glibc
import PinholeCore
import TestSupport

/// A real UDP or TCP socket for the sock_diag tests: the client whose
/// kernel entry is looked up, or the server that sees the client's tuple.
final class DiagTestSocket {
    let fd: Int32
    private var isOpen = true

    /// A socket of `family` (AF_INET, AF_INET6) and `type` (SOCK_DGRAM, SOCK_STREAM);
    /// `dualStack` clears IPV6_V6ONLY on an IPv6 socket.
    init(family: Int32, type: __socket_type, dualStack: Bool = false) throws {
        fd = socket(family, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket(\(family), \(type.rawValue))", errno: errno) }
        if family == AF_INET6 {
            var v6Only: Int32 = dualStack ? 0 : 1
            try check(setsockopt(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, &v6Only, socklen_t(MemoryLayout<Int32>.size)), "setsockopt(IPV6_V6ONLY)")
        }
    }

    /// A socket bound to `address`, port 0 (the kernel picks the port).
    convenience init(bound address: String, type: __socket_type) throws {
        let local = try PosixSocketAddress(address: address, port: 0)
        try self.init(family: local.family, type: type)
        try check(local.withSockaddr { bind(fd, $0, $1) }, "bind(\(address))")
        if type == SOCK_STREAM { try check(listen(fd, 8), "listen") }
    }

    deinit { close() }

    func connect(to peer: PosixSocketAddress) throws {
        try check(peer.withSockaddr { Glibc.connect(fd, $0, $1) }, "connect(\(peer.address):\(peer.port))")
    }

    /// Sends one byte, on the connected peer or to `peer`.
    func send(to peer: PosixSocketAddress? = nil) throws {
        var byte: UInt8 = 0x51
        let sent = peer.map { peer in peer.withSockaddr { sendto(fd, &byte, 1, 0, $0, $1) } } ?? Glibc.send(fd, &byte, 1, 0)
        guard sent == 1 else { throw SocketError(operation: "send", errno: errno) }
    }

    /// Receives one datagram and returns where it came from.
    func receiveFrom() throws -> PosixSocketAddress {
        var buffer = [UInt8](repeating: 0, count: 512)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, &buffer, buffer.count, 0, $0, &length) }
        }
        guard count >= 0 else { throw SocketError(operation: "recvfrom", errno: errno) }
        return PosixSocketAddress(storage: storage, length: length)
    }

    /// Accepts one connection: the server's socket for it and the client's address.
    func accept() throws -> (DiagTestSocket, PosixSocketAddress) {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let connection = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(fd, $0, &length) }
        }
        guard connection >= 0 else { throw SocketError(operation: "accept", errno: errno) }
        return (DiagTestSocket(adopting: connection), PosixSocketAddress(storage: storage, length: length))
    }

    /// The socket's own address (getsockname).
    func localAddress() throws -> PosixSocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        try check(result, "getsockname")
        return PosixSocketAddress(storage: storage, length: length)
    }

    /// The socket's inode (what /proc/PID/fd shows as socket:[INODE]).
    func inode() throws -> UInt64 {
        var status = stat()
        try check(fstat(fd, &status), "fstat")
        return UInt64(status.st_ino)
    }

    /// Makes receives give up after `seconds` (so a test whose client never
    /// sends fails instead of hanging).
    func setReceiveTimeout(seconds: Int) throws {
        var timeout = timeval(tv_sec: seconds, tv_usec: 0)
        try check(setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)), "setsockopt(SO_RCVTIMEO)")
    }

    /// Makes close() reset a TCP connection instead of leaving an orphan in FIN_WAIT.
    func resetOnClose() throws {
        var option = linger(l_onoff: 1, l_linger: 0)
        try check(setsockopt(fd, SOL_SOCKET, SO_LINGER, &option, socklen_t(MemoryLayout<linger>.size)), "setsockopt(SO_LINGER)")
    }

    func close() {
        guard isOpen else { return }
        isOpen = false
        _ = Glibc.close(fd)
    }

    private init(adopting fd: Int32) { self.fd = fd }

    private func check(_ result: Int32, _ operation: String) throws {
        guard result == 0 else { throw SocketError(operation: operation, errno: errno) }
    }
}

extension PosixSocketAddress {
    /// The same address as pinholed's `ClientEndpoint`.
    var endpoint: ClientEndpoint { ClientEndpoint(address: address, port: Int(port)) }
}
