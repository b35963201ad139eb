/// A netlink call about `inet pinhole` that failed: what was attempted and
/// the errno (the kernel's own, from its ack, when it refused the batch).
public struct NetlinkError: Error, Equatable, CustomStringConvertible {
    /// What failed ("add 3 elements to inet pinhole pin4", "stat /sys/fs/cgroup/app.scope").
    public let operation: String
    /// The errno, 0 when there is none.
    public let errno: Int32
    /// Extra words (the kernel's extended ack message, a path).
    public let detail: String

    public init(operation: String, errno: Int32, detail: String = "") {
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = "\(operation) failed"
        if errno != 0 { text += ": \(String(cString: strerror(errno))) (errno \(errno))" }
        if !detail.isEmpty { text += ": \(detail)" }
        return text
    }
}

#if canImport(Glibc)
import Glibc
#endif
