import Foundation

/// A bare client for sending arbitrary bytes to a DNS server (malformed
/// queries, pipelining) where dig would refuse or hide the details.
public enum RawDNSClient {
    /// Sends one datagram and returns the first reply, or nil after `timeout` seconds.
    public static func udp(_ bytes: [UInt8], to address: String, port: UInt16, timeout: Double = 2) throws -> [UInt8]? {
        let socket = try ClientSocket(address: address, port: port, type: Int32(SOCK_DGRAM.rawValue), timeout: timeout)
        defer { socket.close() }
        try socket.send(bytes)
        return try socket.receive(max: 65535)
    }

    /// An open TCP connection speaking length-prefixed DNS.
    public final class TCPConnection {
        let socket: ClientSocket

        public init(address: String, port: UInt16, timeout: Double = 3) throws {
            socket = try ClientSocket(address: address, port: port, type: Int32(SOCK_STREAM.rawValue), timeout: timeout)
        }

        deinit { socket.close() }

        /// Sends raw bytes as they are (no framing added).
        public func sendRaw(_ bytes: [UInt8]) throws {
            try socket.send(bytes)
        }

        /// Sends one message with its 2-byte length prefix.
        public func send(_ message: [UInt8]) throws {
            try socket.send([UInt8(message.count >> 8), UInt8(message.count & 0xFF)] + message)
        }

        /// Reads one length-prefixed message; nil when the server closed the
        /// connection or the timeout passed.
        public func receive() throws -> [UInt8]? {
            guard let header = try socket.receiveExactly(2) else { return nil }
            let length = Int(header[0]) << 8 | Int(header[1])
            return try socket.receiveExactly(length)
        }

        /// True when the server has closed the connection (EOF) within `timeout` seconds.
        public func waitForClose(timeout: Double) -> Bool {
            socket.setTimeout(timeout)
            var byte: UInt8 = 0
            let n = recv(socket.fd, &byte, 1, 0)
            return n == 0 || (n < 0 && errno == ECONNRESET)
        }

        public func close() { socket.close() }
    }
}

/// A connected client socket with a receive timeout.
final class ClientSocket {
    private(set) var fd: Int32

    init(address: String, port: UInt16, type: Int32, timeout: Double) throws {
        let target = try PosixSocketAddress(address: address, port: port)
        fd = socket(target.family, type, 0)
        guard fd >= 0 else { throw TestFailure("socket(): errno \(errno)") }
        setTimeout(timeout)
        if target.withSockaddr({ connect(fd, $0, $1) }) != 0 {
            let error = errno
            close()
            throw TestFailure("connect to \(address):\(port) failed: errno \(error)")
        }
    }

    func setTimeout(_ seconds: Double) {
        var tv = timeval(tv_sec: Int(seconds), tv_usec: Int((seconds - Double(Int(seconds))) * 1_000_000))
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, socklen_t(MemoryLayout<timeval>.size))
    }

    func send(_ bytes: [UInt8]) throws {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 { throw TestFailure("send failed: errno \(errno)") }
            offset += n
        }
    }

    /// One read of up to `max` bytes; nil on timeout.
    func receive(max: Int) throws -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: max)
        let n = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        if n < 0 {
            if errno == EAGAIN || errno == EWOULDBLOCK || errno == ECONNREFUSED { return nil }
            throw TestFailure("recv failed: errno \(errno)")
        }
        return Array(buffer[0..<n])
    }

    /// Exactly `count` bytes; nil on EOF or timeout.
    func receiveExactly(_ count: Int) throws -> [UInt8]? {
        var out: [UInt8] = []
        while out.count < count {
            guard let chunk = try receive(max: count - out.count), !chunk.isEmpty else { return nil }
            out += chunk
        }
        return out
    }

    func close() {
        if fd >= 0 {
            Glibc.close(fd)
            fd = -1
        }
    }
}
