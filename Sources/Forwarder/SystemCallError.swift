import Glibc

/// A failed system call: which one, on what, and errno.
struct SystemCallError: Error, CustomStringConvertible {
    /// The call that failed ("connect", "epoll_ctl", ...).
    var call: String
    /// What it was acting on ("UDP socket to 127.0.0.1:53").
    var target: String
    var errno: Int32

    var description: String { "\(call) (\(target)) failed: \(String(cString: strerror(errno))) (errno \(errno))" }

    /// Whether the error is a refusal reported by ICMP (the server's port is closed).
    var isRefused: Bool { errno == ECONNREFUSED }
}
