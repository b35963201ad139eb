import CLinux
import Glibc

/// A non-blocking UDP socket: either connected to one server (the kernel
/// binds it to a random ephemeral port and then delivers only that server's
/// datagrams) or bound to a listen address.
///
/// A thin errno-checking wrapper over the system calls; the owner closes it
/// exactly once with `close()`.
public struct UDPSocket: Sendable {
    /// The socket's descriptor.
    public let descriptor: Int32

    /// A new socket connected to `address` (`name` is for error messages),
    /// its packets marked with `mark` (SO_MARK, needs CAP_NET_ADMIN) when given.
    public static func connected(to address: RawSocketAddress, name: String, mark: UInt32? = nil) throws(SystemCallError) -> UDPSocket {
        let socket = try make(family: address.family, target: "UDP socket to \(name)")
        if let mark {
            do throws(SystemCallError) {
                try socket.setOption(level: SOL_SOCKET, SO_MARK, Int32(bitPattern: mark), name: "SO_MARK", target: "UDP socket to \(name)")
            } catch {
                socket.close()
                throw error
            }
        }
        let status = address.withSockAddr { address, length in connect(socket.descriptor, address, length) }
        guard status == 0 else {
            let error = SystemCallError(call: "connect", target: "UDP socket to \(name)", errno: errno)
            socket.close()
            throw error
        }
        return socket
    }

    /// A new socket bound to `address` with a `receiveBufferSize`-byte kernel
    /// receive buffer; IPv6 sockets are IPv6-only, so `::` and `0.0.0.0`
    /// can be bound side by side. `name` is for error messages.
    public static func bound(
        to address: RawSocketAddress, receiveBufferSize: Int32, name: String
    ) throws(SystemCallError) -> UDPSocket {
        let target = "UDP listener \(name)"
        let socket = try make(family: address.family, target: target)
        do throws(SystemCallError) {
            try socket.setOption(level: SOL_SOCKET, SO_RCVBUF, receiveBufferSize, name: "SO_RCVBUF", target: target)
            if address.family == AF_INET6 {
                try socket.setOption(level: Int32(IPPROTO_IPV6), IPV6_V6ONLY, 1, name: "IPV6_V6ONLY", target: target)
            }
            let status = address.withSockAddr { address, length in bind(socket.descriptor, address, length) }
            guard status == 0 else { throw SystemCallError(call: "bind", target: target, errno: errno) }
        } catch {
            socket.close()
            throw error
        }
        return socket
    }

    private static func make(family: Int32, target: String) throws(SystemCallError) -> UDPSocket {
        let descriptor = socket(family, socketType, 0)
        guard descriptor >= 0 else { throw SystemCallError(call: "socket", target: target, errno: errno) }
        return UDPSocket(descriptor: descriptor)
    }

    private func setOption(level: Int32, _ option: Int32, _ value: Int32, name: String, target: String) throws(SystemCallError) {
        var value = value
        guard setsockopt(descriptor, level, option, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw SystemCallError(call: "setsockopt(\(name))", target: target, errno: errno)
        }
    }

    /// Sends `datagram` in one call on a connected socket.
    public func send(_ datagram: [UInt8], name: String) throws(SystemCallError) {
        let sent = datagram.withUnsafeBytes { Glibc.send(descriptor, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == datagram.count else {
            throw SystemCallError(call: "send", target: "UDP socket to \(name)", errno: sent < 0 ? errno : EMSGSIZE)
        }
    }

    /// Reads one datagram into `buffer`: its length (cut to the buffer's
    /// size by the kernel), or nil when none is waiting.
    public func receive(into buffer: UnsafeMutableRawBufferPointer, name: String) throws(SystemCallError) -> Int? {
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
    public func close() {
        _ = Glibc.close(descriptor)
    }

    private static let socketType = Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_NONBLOCK.rawValue)
        | Int32(SOCK_CLOEXEC.rawValue)
}
