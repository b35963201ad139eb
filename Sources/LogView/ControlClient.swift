import Foundation
import QueryLog

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The CLI's side of pinholed's read-only control socket, until the daemon
/// side (`logwire`) ships its own client type. Protocol: newline-delimited
/// JSON over a Unix stream socket. The client sends one request line,
/// `{"op":"follow"}` or `{"op":"status"}`; for follow the daemon answers
/// with one `LogRecord` object a line for every query logged from then on;
/// for status with one object that has at least `"pid"`.
public final class ControlClient {
    /// Where pinholed listens unless configured otherwise.
    public static let defaultPath = "/run/pinhole/control.sock"

    /// What failed, on which socket.
    public struct Failure: Error, CustomStringConvertible {
        public var path: String
        public var message: String
        public var description: String { "control socket \(path): \(message)" }
    }

    public let path: String
    private let fd: Int32
    private var buffer: [UInt8] = []

    /// Connects to `path`.
    public init(path: String) throws(Failure) {
        self.path = path
        let socketFD = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard socketFD >= 0 else { throw Failure(path: path, message: "socket: \(String(cString: strerror(errno)))") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            close(socketFD)
            throw Failure(path: path, message: "path too long for a Unix socket")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            for (index, byte) in bytes.enumerated() { raw[index] = byte }
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(socketFD, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else {
            let code = errno
            close(socketFD)
            let hint = code == ENOENT || code == ECONNREFUSED
                ? " (is pinholed running with the query log on? --socket names another socket)"
                : code == EACCES ? " (reading it needs root or the pinhole group)" : ""
            throw Failure(path: path, message: "connect: \(String(cString: strerror(code)))\(hint)")
        }
        fd = socketFD
    }

    deinit { close(fd) }

    /// Sends `{"op":"<op>"}` and a newline.
    public func send(op: String) throws(Failure) {
        let line = Array("{\"op\":\"\(op)\"}\n".utf8)
        var sent = 0
        while sent < line.count {
            let count = line[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if count < 0 {
                if errno == EINTR { continue }
                throw Failure(path: path, message: "send: \(String(cString: strerror(errno)))")
            }
            sent += count
        }
    }

    /// The next line without its newline; nil when the daemon closed the connection.
    public func readLine() throws(Failure) -> String? {
        while true {
            if let newline = buffer.firstIndex(of: UInt8(ascii: "\n")) {
                let line = String(decoding: buffer[..<newline], as: UTF8.self)
                buffer.removeSubrange(...newline)
                return line
            }
            var chunk = [UInt8](repeating: 0, count: 16_384)
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                if errno == EINTR { continue }
                if errno == EAGAIN || errno == EWOULDBLOCK { throw Failure(path: path, message: "no answer in time") }
                throw Failure(path: path, message: "receive: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return nil }
            buffer += chunk[..<count]
        }
    }

    /// Sends the follow request and calls `body` with each record until the
    /// daemon closes the stream or `body` returns false.
    public func follow(_ body: (LogRecord) throws -> Bool) throws {
        try send(op: "follow")
        let decoder = JSONDecoder()
        while let line = try readLine() {
            guard !line.isEmpty else { continue }
            let record: LogRecord
            do {
                record = try decoder.decode(LogRecord.self, from: Data(line.utf8))
            } catch {
                throw Failure(path: path, message: "unexpected line from pinholed: \(line.prefix(200)) (\(error))")
            }
            guard try body(record) else { return }
        }
    }

    /// pinholed's pid from `{"op":"status"}` (for SIGHUP after a profile
    /// change); waits at most `timeout` seconds for the answer.
    public func daemonPID(timeout: Int = 2) throws(Failure) -> Int32 {
        // A daemon that accepts but never answers must not hang the CLI.
        var limit = timeval(tv_sec: timeout, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        try send(op: "status")
        guard let line = try readLine() else { throw Failure(path: path, message: "closed before answering status") }
        struct Status: Decodable { var pid: Int32 }
        do {
            return try JSONDecoder().decode(Status.self, from: Data(line.utf8)).pid
        } catch {
            throw Failure(path: path, message: "status without a pid: \(line.prefix(200))")
        }
    }
}
