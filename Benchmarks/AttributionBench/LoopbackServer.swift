import Glibc
import PinholeCore

/// The bench's server side on 127.0.0.1: a UDP socket (what pinholed's
/// listener would be) and a TCP listener. Receiving a client's datagram or
/// accepting its connection gives the tuple attribution starts from.
final class LoopbackServer {
    let udp: Int32
    let tcp: Int32
    let udpEndpoint: ClientEndpoint
    let tcpEndpoint: ClientEndpoint

    init() throws {
        udp = try Self.bound(SOCK_DGRAM)
        tcp = try Self.bound(SOCK_STREAM)
        guard listen(tcp, 128) == 0 else { throw BenchError.errno("listen on 127.0.0.1", errno) }
        udpEndpoint = try Self.localEndpoint(udp)
        tcpEndpoint = try Self.localEndpoint(tcp)
    }

    deinit {
        close(udp)
        close(tcp)
    }

    /// The next datagram's source and payload, waiting at most `timeout` seconds.
    func receive(timeout: Int32 = 10) throws -> (source: ClientEndpoint, payload: String) {
        var entry = pollfd(fd: udp, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeout * 1000) == 1 else { throw BenchError("no datagram on \(udpEndpoint) within \(timeout) s") }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        var payload = [UInt8](repeating: 0, count: 512)
        let count = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(udp, &payload, payload.count, 0, $0, &length) }
        }
        guard count >= 0 else { throw BenchError.errno("recvfrom on \(udpEndpoint)", errno) }
        return (Self.endpoint(address), String(decoding: payload[..<count], as: UTF8.self))
    }

    /// Accepts one connection; its fd (the caller closes it) and the client's address.
    func accept(timeout: Int32 = 10) throws -> (fd: Int32, source: ClientEndpoint) {
        var entry = pollfd(fd: tcp, events: Int16(POLLIN), revents: 0)
        guard poll(&entry, 1, timeout * 1000) == 1 else { throw BenchError("no connection on \(tcpEndpoint) within \(timeout) s") }
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let fd = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.accept(tcp, $0, &length) }
        }
        guard fd >= 0 else { throw BenchError.errno("accept on \(tcpEndpoint)", errno) }
        // Children are spawned from this thread only, so setting it after accept is safe.
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return (fd, Self.endpoint(address))
    }

    /// A socket of `type` bound to 127.0.0.1 on a free port.
    static func bound(_ type: __socket_type) throws -> Int32 {
        let fd = socket(AF_INET, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw BenchError.errno("socket", errno) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = in_addr_t(0x7f00_0001).bigEndian
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else {
            let code = errno
            close(fd)
            throw BenchError.errno("bind to 127.0.0.1", code)
        }
        return fd
    }

    /// The address `fd` is bound to.
    static func localEndpoint(_ fd: Int32) throws -> ClientEndpoint {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let done = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard done == 0 else { throw BenchError.errno("getsockname", errno) }
        return endpoint(address)
    }

    static func endpoint(_ address: sockaddr_in) -> ClientEndpoint {
        ClientEndpoint(ip: .v4(UInt32(bigEndian: address.sin_addr.s_addr)), port: Int(UInt16(bigEndian: address.sin_port)))
    }
}
