#if canImport(Glibc)
import Glibc
#endif

/// A Unix stream socket bound at a path by pinholed itself, not by NIO:
/// NIO's own Unix server sockets unlink their path on close whatever is
/// there by then, which would delete systemd-resolved's socket when resolved
/// took the path over while pinholed still ran (`system-resolver disable`).
enum UnixSocketFile {
    /// A non-blocking socket bound at `path`; a stale socket file there is
    /// removed first (the caller checked nobody answers on it).
    /// - Throws: `VarlinkServerError` saying what failed.
    static func bind(path: String) throws(VarlinkServerError) -> Int32 {
        var info = stat()
        if lstat(path, &info) == 0 {
            guard info.st_mode & S_IFMT == S_IFSOCK else { throw VarlinkServerError(path: path, reason: "exists and is not a socket") }
            unlink(path)
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else {
            throw VarlinkServerError(path: path, reason: "path longer than \(MemoryLayout.size(ofValue: address.sun_path) - 1) bytes")
        }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue) | Int32(SOCK_NONBLOCK.rawValue), 0)
        guard fd >= 0 else { throw VarlinkServerError(path: path, reason: "socket: \(String(cString: strerror(errno)))") }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else {
            let reason = String(cString: strerror(errno))
            close(fd)
            throw VarlinkServerError(path: path, reason: "bind: \(reason)")
        }
        return fd
    }
}
