import Glibc

/// Why pinholed could not give itself a view with cgroup2 at /sys/fs/cgroup.
public struct CgroupMountViewError: Error, CustomStringConvertible, Equatable {
    /// What was attempted ("unshare(CLONE_NEWNS)", "bind-mount … on /sys/fs/cgroup").
    public let operation: String
    /// The errno it failed with (0 when none applies).
    public let errno: Int32
    /// More about it, for the operator.
    public let detail: String

    public init(operation: String, errno: Int32, detail: String = "") {
        self.operation = operation
        self.errno = errno
        self.detail = detail
    }

    public var description: String {
        var text = operation
        if errno != 0 { text += ": \(String(cString: strerror(errno)))" }
        if !detail.isEmpty { text += " (\(detail))" }
        return text
    }
}
