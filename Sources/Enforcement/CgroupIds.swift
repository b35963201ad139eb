import Glibc
import Synchronization

/// Cgroup v2 paths ("app.slice/app-a.scope", as `AppCgroup` gives them)
/// to the numeric ids the kernel keys sets by: the inode number of the
/// cgroup's directory under the cgroup2 mount. Ids are cached; `forget`
/// drops one when the cgroup goes (a new cgroup at that path has a new id).
public final class CgroupIds: Sendable {
    /// Where cgroup2 is mounted ("/sys/fs/cgroup", or "/sys/fs/cgroup/unified" on hybrid hosts).
    public let mountPoint: String
    private let cache = Mutex<[String: UInt64]>([:])

    /// - Parameter mountPoint: nil: found in the calling thread's mountinfo.
    public init(mountPoint: String? = nil) throws(NetlinkError) {
        if let mountPoint { self.mountPoint = mountPoint } else { self.mountPoint = try Self.cgroup2MountPoint() }
    }

    /// The id of the cgroup at `path` (relative to the cgroup2 root; a
    /// leading slash is allowed). The root cgroup is refused: nftables
    /// matches no socket there.
    public func id(of path: String) throws(NetlinkError) -> UInt64 {
        if let id = cache.withLock({ $0[path] }) { return id }
        let id = try currentID(of: path)
        cache.withLock { $0[path] = id }
        return id
    }

    /// The id of the cgroup at `path` now (one stat, the cache neither
    /// read nor written): tells a cgroup re-created at a path from the one
    /// whose id is cached.
    public func currentID(of path: String) throws(NetlinkError) -> UInt64 {
        let relative = Self.relative(path)
        guard !relative.isEmpty else {
            throw NetlinkError(operation: "cgroup id of \"\(path)\"", errno: 0, detail: "the root cgroup cannot be governed or pinned")
        }
        let full = mountPoint + "/" + relative
        var info = stat()
        guard stat(full, &info) == 0 else {
            throw NetlinkError(operation: "cgroup id of \"\(path)\": stat \(full)", errno: errno)
        }
        guard (info.st_mode & S_IFMT) == S_IFDIR else {
            throw NetlinkError(operation: "cgroup id of \"\(path)\"", errno: ENOTDIR, detail: "\(full) is not a cgroup directory")
        }
        return UInt64(info.st_ino)
    }

    /// Drops the cached id of `path`.
    public func forget(_ path: String) {
        _ = cache.withLock { $0.removeValue(forKey: path) }
    }

    /// How many ids are cached.
    public var count: Int { cache.withLock { $0.count } }

    static func relative(_ path: String) -> String {
        var text = Substring(path)
        while text.first == "/" { text = text.dropFirst() }
        while text.last == "/" { text = text.dropLast() }
        return String(text)
    }

    /// The cgroup2 mount of the calling thread's mount namespace (a test
    /// thread may have its own): the last cgroup2 line of
    /// /proc/thread-self/mountinfo, the one mounted over any earlier.
    public static func cgroup2MountPoint(mountInfo: String = "/proc/thread-self/mountinfo") throws(NetlinkError) -> String {
        guard let file = fopen(mountInfo, "r") else {
            throw NetlinkError(operation: "reading \(mountInfo)", errno: errno)
        }
        defer { fclose(file) }
        var found: String?
        var line: UnsafeMutablePointer<CChar>?
        var capacity = 0
        defer { free(line) }
        while getline(&line, &capacity, file) > 0 {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS… - FSTYPE SOURCE SUPER"
            let fields = String(cString: line!).split(separator: " ")
            guard let dash = fields.firstIndex(of: "-"), dash + 1 < fields.count, fields[dash + 1] == "cgroup2", fields.count > 4 else { continue }
            found = unescape(String(fields[4]))
        }
        guard let found else { throw NetlinkError(operation: "finding the cgroup2 mount in \(mountInfo)", errno: ENOENT) }
        return found
    }

    /// mountinfo writes space, tab, newline and backslash as \ooo.
    private static func unescape(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        var source = Array(text.utf8)[...]
        while let byte = source.first {
            if byte == UInt8(ascii: "\\"), source.count >= 4,
               let value = UInt8(String(decoding: source.dropFirst().prefix(3), as: UTF8.self), radix: 8) {
                bytes.append(value)
                source = source.dropFirst(4)
            } else {
                bytes.append(byte)
                source = source.dropFirst()
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
