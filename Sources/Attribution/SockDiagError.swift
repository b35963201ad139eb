import Glibc

/// A failed step of talking to the kernel's sock_diag interface.
public struct SockDiagError: Error, Sendable, CustomStringConvertible {
    /// What failed and on what ("socket(AF_NETLINK, NETLINK_SOCK_DIAG)",
    /// "recv of the UDP dump reply for 127.0.0.1:40000").
    public var what: String
    /// The errno, or 0 when the failure is not a system call's (a malformed reply).
    public var errno: Int32

    /// An error of `what`, with `errno` when a system call or the kernel reported one.
    public init(_ what: String, errno: Int32 = 0) {
        self.what = what
        self.errno = errno
    }

    /// Whether the kernel refused (EPERM, EACCES).
    public var isPermissionDenied: Bool { errno == EPERM || errno == EACCES }

    /// What failed, with the errno's text when there is one.
    public var description: String {
        guard errno != 0 else { return "sock_diag: \(what) failed" }
        return "sock_diag: \(what) failed: \(String(cString: strerror(errno))) (errno \(errno))"
    }
}
