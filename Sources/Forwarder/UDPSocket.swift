import Glibc

/// A non-blocking UDP socket connected to one upstream server: the kernel
/// binds it to a random ephemeral port at `connect` and then delivers only
/// datagrams from that server's address and port.
///
/// A thin errno-checking wrapper over the system calls; the owner closes it
/// exactly once with `close()`.
struct UDPSocket {
    let descriptor: Int32

    /// A new socket connected to `endpoint` (`name` is for error messages).
    static func connected(to endpoint: UpstreamEndpoint, name: String) throws(SystemCallError) -> UDPSocket {
        let descriptor = socket(endpoint.family, Self.socketType, 0)
        guard descriptor >= 0 else {
            throw SystemCallError(call: "socket", target: "UDP socket to \(name)", errno: errno)
        }
        let status = endpoint.withSockAddr { address, length in connect(descriptor, address, length) }
        guard status == 0 else {
            let error = SystemCallError(call: "connect", target: "UDP socket to \(name)", errno: errno)
            _ = Glibc.close(descriptor)
            throw error
        }
        return UDPSocket(descriptor: descriptor)
    }

    /// Sends `datagram` in one call.
    func send(_ datagram: [UInt8], name: String) throws(SystemCallError) {
        let sent = datagram.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == datagram.count else {
            throw SystemCallError(call: "send", target: "UDP socket to \(name)", errno: sent < 0 ? errno : EMSGSIZE)
        }
    }

    /// Reads one datagram into `buffer`: its length (cut to the buffer's
    /// size by the kernel), or nil when none is waiting.
    func receive(into buffer: UnsafeMutableRawBufferPointer, name: String) throws(SystemCallError) -> Int? {
        while true {
            let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
            if count >= 0 { return count }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK: return nil
            case let code: throw SystemCallError(call: "recv", target: "UDP socket to \(name)", errno: code)
            }
        }
    }

    /// Closes the descriptor (which also removes it from any epoll set).
    func close() {
        _ = Glibc.close(descriptor)
    }

    private static let socketType = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        | Int32(SOCK_CLOEXEC.rawValue)
}
