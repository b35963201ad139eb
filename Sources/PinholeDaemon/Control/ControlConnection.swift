import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A blocking client connection to a Unix stream socket that sends JSON
/// lines and reads lines back (the client's side of `ControlProtocol`).
final class ControlConnection: @unchecked Sendable {
    private let fd: Int32
    private let path: String
    private var buffer: [UInt8] = []
    private let closed = NSLock()
    private var isClosed = false

    /// Connects to `path`.
    init(path: String) throws(ControlClientError) {
        self.path = path
        fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw ControlClientError(path: path, reason: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            Glibc.close(fd)
            throw ControlClientError(path: path, reason: "path too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else {
            let code = errno
            Glibc.close(fd)
            let hint = code == ENOENT || code == ECONNREFUSED ? " (is pinholed running? see control.socket)" : ""
            throw ControlClientError(path: path, reason: "connect: \(String(cString: strerror(code)))\(hint)")
        }
    }

    /// Sends `value` as one JSON line.
    func send<T: Encodable>(_ value: T) throws(ControlClientError) {
        let data = [UInt8](ControlProtocol.line(value))
        var offset = 0
        while offset < data.count {
            let sent = data[offset...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if sent < 0 {
                if errno == EINTR { continue }
                throw ControlClientError(path: path, reason: "send: \(String(cString: strerror(errno)))")
            }
            offset += sent
        }
    }

    /// The next line without its newline; nil at end of stream.
    func readLine() throws(ControlClientError) -> [UInt8]? {
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = Array(buffer[..<newline])
                buffer.removeSubrange(...newline)
                return line
            }
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { return nil }
            if count < 0 {
                if errno == EINTR { continue }
                // interrupt() shut the socket down: a normal end.
                if isInterrupted { return nil }
                throw ControlClientError(path: path, reason: "receive: \(String(cString: strerror(errno)))")
            }
            buffer += chunk[..<count]
        }
    }

    private var isInterrupted: Bool {
        closed.lock()
        defer { closed.unlock() }
        return isClosed
    }

    /// Wakes a blocked `readLine` (it returns nil); safe from any thread.
    func interrupt() {
        closed.lock()
        defer { closed.unlock() }
        isClosed = true
        if !closedFD { shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Closes the socket (once).
    func close() {
        closed.lock()
        defer { closed.unlock() }
        guard fd >= 0, !closedFD else { return }
        closedFD = true
        isClosed = true
        Glibc.close(fd)
    }

    private var closedFD = false
}
