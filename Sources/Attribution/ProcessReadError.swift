import Glibc

/// Reading a process's /proc files failed: which file, and why.
public struct ProcessReadError: Error, Sendable, Hashable, CustomStringConvertible {
    /// Why the read failed, in the terms attribution decides on.
    public enum Kind: Sendable, Hashable {
        /// The process is gone (ENOENT, ESRCH).
        case exited
        /// The kernel refused (EACCES, EPERM: not root, hidepid).
        case permission
        /// The file did not have the expected format.
        case malformed
        /// Any other errno.
        case failed(Int32)
    }

    public var kind: Kind
    /// The file or directory ("/proc/123/stat").
    public var path: String
    /// What was wrong, for `.malformed`; the errno text otherwise.
    public var detail: String

    public init(kind: Kind, path: String, detail: String) {
        self.kind = kind
        self.path = path
        self.detail = detail
    }

    /// The error of a call on `path` that left `errno`.
    public init(path: String, errno: Int32) {
        switch errno {
        case ENOENT, ESRCH: kind = .exited
        case EACCES, EPERM: kind = .permission
        default: kind = .failed(errno)
        }
        self.path = path
        self.detail = "\(String(cString: strerror(errno))) (errno \(errno))"
    }

    /// A file that could be read but not understood.
    public static func malformed(_ path: String, _ detail: String) -> ProcessReadError {
        ProcessReadError(kind: .malformed, path: path, detail: detail)
    }

    public var description: String { "reading \(path) failed: \(detail)" }
}
