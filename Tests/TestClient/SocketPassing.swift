#if canImport(Glibc)
import Glibc
#endif

/// Passes one file descriptor between processes over a Unix datagram socket
/// (SCM_RIGHTS), so a socket one process opened is used by another.
enum SocketPassing {
    // CMSG_* are macros Swift cannot import; on Linux the header is
    // CMSG_ALIGN(sizeof(cmsghdr)) bytes and the data one int.
    private static let headerSize = MemoryLayout<cmsghdr>.stride
    private static let controlSize = headerSize + MemoryLayout<Int>.size  // CMSG_SPACE(sizeof(int))

    /// Binds a datagram socket at `path` (replacing a stale file) for `receive`.
    static func bind(_ path: String) throws(ClientError) -> Int32 {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket(AF_UNIX)") }
        unlink(path)
        var address = try unixAddress(path)
        let result = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard result == 0 else { throw .posix("bind(\(path))") }
        return fd
    }

    /// Waits up to `timeout` seconds for one descriptor on `fd`.
    static func receive(on fd: Int32, timeout: Double) throws(ClientError) -> Int32 {
        var pfd = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
        guard poll(&pfd, 1, Int32(timeout * 1000)) == 1 else { throw ClientError("no socket received within \(timeout) s") }
        var byte: UInt8 = 0
        var control = [UInt8](repeating: 0, count: controlSize)
        let received = withUnsafeMutablePointer(to: &byte) { bytePointer in
            control.withUnsafeMutableBytes { controlBytes -> Int in
                var iov = iovec(iov_base: bytePointer, iov_len: 1)
                return withUnsafeMutablePointer(to: &iov) { iovPointer in
                    var message = msghdr()
                    message.msg_iov = iovPointer
                    message.msg_iovlen = 1
                    message.msg_control = controlBytes.baseAddress
                    message.msg_controllen = controlBytes.count
                    return recvmsg(fd, &message, Int32(MSG_CMSG_CLOEXEC))
                }
            }
        }
        guard received >= 0 else { throw .posix("recvmsg") }
        let header = control.withUnsafeBytes { $0.loadUnaligned(as: cmsghdr.self) }
        guard header.cmsg_level == SOL_SOCKET, header.cmsg_type == Int32(SCM_RIGHTS) else {
            throw ClientError("recvmsg: message carried no SCM_RIGHTS descriptor")
        }
        return control.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: headerSize, as: Int32.self) }
    }

    /// Sends `descriptor` to the socket bound at `path`, retrying up to
    /// `timeout` seconds while nobody is bound there yet.
    static func send(_ descriptor: Int32, to path: String, timeout: Double) throws(ClientError) {
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket(AF_UNIX)") }
        defer { close(fd) }
        var address = try unixAddress(path)
        var control = [UInt8](repeating: 0, count: controlSize)
        control.withUnsafeMutableBytes { raw in
            var header = cmsghdr()
            header.cmsg_len = headerSize + MemoryLayout<Int32>.size  // CMSG_LEN(sizeof(int))
            header.cmsg_level = SOL_SOCKET
            header.cmsg_type = Int32(SCM_RIGHTS)
            raw.storeBytes(of: header, as: cmsghdr.self)
            raw.storeBytes(of: descriptor, toByteOffset: headerSize, as: Int32.self)
        }
        let deadline = QuerySocket.now() + timeout
        while true {
            var byte: UInt8 = 0
            let sent = withUnsafeMutablePointer(to: &byte) { bytePointer in
                withUnsafeMutablePointer(to: &address) { addressPointer in
                    control.withUnsafeMutableBytes { controlBytes -> Int in
                        var iov = iovec(iov_base: bytePointer, iov_len: 1)
                        return withUnsafeMutablePointer(to: &iov) { iovPointer in
                            var message = msghdr()
                            message.msg_name = UnsafeMutableRawPointer(addressPointer)
                            message.msg_namelen = socklen_t(MemoryLayout<sockaddr_un>.size)
                            message.msg_iov = iovPointer
                            message.msg_iovlen = 1
                            message.msg_control = controlBytes.baseAddress
                            message.msg_controllen = controlBytes.count
                            return sendmsg(fd, &message, 0)
                        }
                    }
                }
            }
            if sent >= 0 { return }
            guard errno == ENOENT || errno == ECONNREFUSED, QuerySocket.now() < deadline else {
                throw .posix("sendmsg(SCM_RIGHTS) to \(path)")
            }
            usleep(10_000)
        }
    }

    private static func unixAddress(_ path: String) throws(ClientError) -> sockaddr_un {
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { throw ClientError("socket path too long: \(path)") }
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            raw.copyBytes(from: bytes)
        }
        return address
    }
}
