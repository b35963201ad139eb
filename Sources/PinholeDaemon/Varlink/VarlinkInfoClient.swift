import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Asks whoever serves a varlink socket what it is, with one
/// `org.varlink.service.GetInfo` call; `pinhole doctor` uses it to tell
/// pinholed from systemd-resolved behind io.systemd.Resolve.
public enum VarlinkInfoClient {
    /// The GetInfo reply of the service at `path`.
    /// - Throws: `VarlinkInfoError` saying what failed (connect, timeout, bad reply).
    public static func getInfo(path: String, timeout: Duration = .seconds(2)) throws(VarlinkInfoError) -> VarlinkServiceInfo {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw VarlinkInfoError(path: path, reason: "socket: \(String(cString: strerror(errno)))") }
        defer { close(fd) }
        var limit = timeval(tv_sec: Int(timeout.components.seconds), tv_usec: Int(timeout.components.attoseconds / 1_000_000_000_000))
        _ = setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        _ = setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw VarlinkInfoError(path: path, reason: "path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw VarlinkInfoError(path: path, reason: "connect: \(String(cString: strerror(errno)))") }
        // A varlink message is a JSON object ended by NUL.
        let request = Array(#"{"method":"org.varlink.service.GetInfo"}"#.utf8) + [0]
        let sent = request.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
        guard sent == request.count else { throw VarlinkInfoError(path: path, reason: "send: \(String(cString: strerror(errno)))") }
        var reply: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(0) {
            let count = buffer.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count < 0 {
                let reason = errno == EAGAIN || errno == EWOULDBLOCK ? "no reply within \(timeout)" : "recv: \(String(cString: strerror(errno)))"
                throw VarlinkInfoError(path: path, reason: reason)
            }
            if count == 0 { throw VarlinkInfoError(path: path, reason: "closed without a reply") }
            reply += buffer[0..<count]
            if reply.count > 65_536 { throw VarlinkInfoError(path: path, reason: "reply over 64 KiB") }
        }
        return try decode(Array(reply.prefix { $0 != 0 }), path: path)
    }

    /// The GetInfo reply's parameters; a varlink error reply is an error.
    static func decode(_ message: [UInt8], path: String) throws(VarlinkInfoError) -> VarlinkServiceInfo {
        struct Reply: Decodable {
            var parameters: VarlinkServiceInfo?
            var error: String?
        }
        let reply: Reply
        do {
            reply = try JSONDecoder().decode(Reply.self, from: Data(message))
        } catch {
            throw VarlinkInfoError(path: path, reason: "not a GetInfo reply: \(String(decoding: message.prefix(200), as: UTF8.self))")
        }
        if let error = reply.error { throw VarlinkInfoError(path: path, reason: "GetInfo failed: \(error)") }
        guard let info = reply.parameters else { throw VarlinkInfoError(path: path, reason: "GetInfo reply without parameters") }
        return info
    }
}
