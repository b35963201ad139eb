import Glibc

/// A failed system call: which one, on what, and errno.
public struct SystemCallError: Error, CustomStringConvertible {
    /// The call that failed ("connect", "epoll_ctl", ...).
    public var call: String
    /// What it was acting on ("UDP socket to 127.0.0.1:53").
    public var target: String
    /// The errno the call left.
    public var errno: Int32

    /// An error of `call` on `target` with `errno`.
    public init(call: String, target: String, errno: Int32) {
        self.call = call
        self.target = target
        self.errno = errno
    }

    public var description: String { "\(call) (\(target)) failed: \(String(cString: strerror(errno))) (errno \(errno))" }

    /// Whether the error is a refusal reported by ICMP (the server's port is closed).
    public var isRefused: Bool { errno == ECONNREFUSED }
}
