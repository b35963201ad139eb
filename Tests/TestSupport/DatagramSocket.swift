#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A plain UDP socket for tests: send a datagram from a port of its own (to
/// spoof a reply from the wrong port) or act as a minimal client.
public final class DatagramSocket: @unchecked Sendable {
    private let fd: Int32
    private var closed = false

    /// Opens a UDP socket bound to `address`, port 0.
    /// - Throws: `SocketError` naming the call that failed.
    public init(address: String = "127.0.0.1") throws(SocketError) {
        let local = try PosixSocketAddress(address: address, port: 0)
        fd = socket(local.family, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket(udp)", errno: errno) }
        guard local.withSockaddr({ bind(fd, $0, $1) }) == 0 else {
            let err = errno
            Glibc.close(fd)
            throw SocketError(operation: "bind(\(address):0, udp)", errno: err)
        }
    }

    deinit { close() }

    /// Sends `bytes` to `peer`.
    /// - Throws: `SocketError` when sendto fails.
    public func send(_ bytes: [UInt8], to peer: PosixSocketAddress) throws(SocketError) {
        let sent = bytes.withUnsafeBytes { buf in
            peer.withSockaddr { sendto(fd, buf.baseAddress, buf.count, 0, $0, $1) }
        }
        guard sent == bytes.count else {
            throw SocketError(operation: "sendto(\(peer.address):\(peer.port))", errno: errno)
        }
    }

    /// Waits up to `timeoutMs` for one datagram; nil on timeout.
    public func receive(timeoutMs: Int) -> (bytes: [UInt8], from: PosixSocketAddress)? {
        var fds = [pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
        guard poll(&fds, 1, Int32(clamping: timeoutMs)) > 0 else { return nil }
        var buffer = [UInt8](repeating: 0, count: 65_536)
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let count = buffer.withUnsafeMutableBytes { buf in
            withUnsafeMutablePointer(to: &storage) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    recvfrom(fd, buf.baseAddress, buf.count, 0, $0, &length)
                }
            }
        }
        guard count >= 0 else { return nil }
        return (Array(buffer[0..<count]), PosixSocketAddress(storage: storage, length: length))
    }

    /// Closes the socket. Idempotent.
    public func close() {
        guard !closed else { return }
        closed = true
        _ = Glibc.close(fd)
    }
}
