import CLinux
import Glibc

/// The mark pinholed leaves on a `pinhole exec` scope once it has decided
/// it (the extended attribute `user.pinhole.governor` on the cgroup's
/// directory: "governed" or "not governed"), so `pinhole exec` starts the
/// command only after the decision is in the kernel: governed from its
/// first packet. cgroupfs keeps user xattrs in memory; they go with the cgroup.
public enum CgroupMark {
    public static let attribute = "user.pinhole.governor"

    /// Marks the cgroup directory at `directory` (a full path) with `value`.
    public static func set(_ value: String, on directory: String) throws(ProcessReadError) {
        let status = value.withCString { setxattr(directory, attribute, $0, strlen($0), 0) }
        guard status == 0 else { throw ProcessReadError(path: "\(directory) (setxattr \(attribute))", errno: errno) }
    }

    /// The mark on `directory`, nil when there is none (or it cannot be read).
    public static func value(on directory: String) -> String? {
        var buffer = [CChar](repeating: 0, count: 64)
        let length = getxattr(directory, attribute, &buffer, buffer.count - 1)
        guard length >= 0 else { return nil }
        return String(decoding: buffer.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
