#if canImport(Glibc)
import Glibc
#endif

/// A UDP or TCP socket that sends DNS queries and reads replies (TCP with
/// the 2-byte length prefix).
final class QuerySocket {
    let fd: Int32
    let tcp: Bool

    /// A new socket of `family` (AF_INET/AF_INET6).
    init(family: Int32, tcp: Bool) throws(ClientError) {
        let type = Int32(tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue)
        fd = socket(family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket(\(family == AF_INET6 ? "AF_INET6" : "AF_INET"))") }
        self.tcp = tcp
    }

    /// Adopts a socket received from another process; its type says UDP or TCP.
    init(adopting fd: Int32) throws(ClientError) {
        var type: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(fd, SOL_SOCKET, SO_TYPE, &type, &length) == 0 else { throw .posix("getsockopt(SO_TYPE) on received fd \(fd)") }
        self.fd = fd
        tcp = type == Int32(SOCK_STREAM.rawValue)
    }

    deinit { Glibc.close(fd) }

    /// "udp" or "tcp".
    var transport: String { tcp ? "tcp" : "udp" }

    /// 4 or 6: the socket's own family.
    var family: Int { local.family == AF_INET6 ? 6 : 4 }

    /// The socket's own address (getsockname).
    var local: Endpoint {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        _ = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        return Endpoint(storage: storage, length: length)
    }

    func connect(to server: Endpoint) throws(ClientError) {
        let result = server.withSockaddr { Glibc.connect(fd, $0, $1) }
        guard result == 0 else { throw .posix("connect(\(server.text))") }
    }

    /// Sends one message: on a connected socket with send, else sendto `destination`.
    func send(_ message: [UInt8], to destination: Endpoint?) throws(ClientError) {
        let framed = tcp ? [UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message : message
        let sent = framed.withUnsafeBytes { raw -> Int in
            if let destination {
                return destination.withSockaddr { sendto(fd, raw.baseAddress, raw.count, 0, $0, $1) }
            }
            return Glibc.send(fd, raw.baseAddress, raw.count, Int32(MSG_NOSIGNAL))
        }
        guard sent == framed.count else { throw .posix("send \(framed.count) bytes (\(transport))") }
    }

    /// The next message, or nil when `timeout` seconds pass (or TCP's peer closes) first.
    func receive(timeout: Double) throws(ClientError) -> [UInt8]? {
        let deadline = Self.now() + timeout
        if !tcp { return try read(upTo: 65535, deadline: deadline) }
        guard let prefix = try readExactly(2, deadline: deadline) else { return nil }
        return try readExactly(Int(prefix[0]) << 8 | Int(prefix[1]), deadline: deadline)
    }

    private func readExactly(_ count: Int, deadline: Double) throws(ClientError) -> [UInt8]? {
        var bytes: [UInt8] = []
        while bytes.count < count {
            guard let chunk = try read(upTo: count - bytes.count, deadline: deadline), !chunk.isEmpty else { return nil }
            bytes += chunk
        }
        return bytes
    }

    /// One recv after poll says readable; nil on timeout, [] on EOF.
    private func read(upTo count: Int, deadline: Double) throws(ClientError) -> [UInt8]? {
        while true {
            let left = deadline - Self.now()
            guard left > 0 else { return nil }
            var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = poll(&pfd, 1, Int32(left * 1000) + 1)
            if ready < 0 && errno == EINTR { continue }
            guard ready >= 0 else { throw .posix("poll") }
            if ready == 0 { continue }
            var buffer = [UInt8](repeating: 0, count: count)
            let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && (errno == EINTR || errno == EAGAIN) { continue }
            guard n >= 0 else { throw .posix("recv (\(transport))") }
            return Array(buffer.prefix(n))
        }
    }

    static func now() -> Double {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
    }
}
