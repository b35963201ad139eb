import CLinux
import Glibc
import Synchronization

/// The cgroup v2 hierarchy: the pids in a cgroup given its id (what
/// sock_diag reports).
///
/// A cgroup id is opened directly with open_by_handle_at (O(1), needs
/// CAP_DAC_READ_SEARCH); without that right, a map id → path built by walking
/// the tree (walked again when an id is missing) does the job.
public final class CgroupTree: Sendable {
    /// Where cgroup2 is mounted ("/sys/fs/cgroup", "/sys/fs/cgroup/unified").
    public let mountPoint: String
    private let mountFD: Int32
    private let state = Mutex(State())

    private struct State {
        var openByHandleWorks = true
        var paths: [UInt64: String] = [:]
    }

    /// Most cgroups the id → path map holds (the walk stops there).
    private static let walkLimit = 100_000

    /// Opens the cgroup2 mount at `mountPoint`, or the one this process sees
    /// (`visibleCgroup2MountPoint`: /sys/fs/cgroup when cgroup2 is there).
    public init(mountPoint: String? = nil) throws(ProcessReadError) {
        let point: String
        if let mountPoint { point = mountPoint } else { point = try Self.visibleCgroup2MountPoint() }
        let fd = open(point, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw ProcessReadError(path: point, errno: errno) }
        self.mountPoint = point
        self.mountFD = fd
    }

    deinit { close(mountFD) }

    /// The mount point of the first cgroup2 file system in /proc/self/mountinfo.
    public static func cgroup2MountPoint(mountInfo: String = "/proc/self/mountinfo") throws(ProcessReadError) -> String {
        let bytes = try ProcFile.read(mountInfo)
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            // "ID PARENT MAJ:MIN ROOT MOUNTPOINT OPTIONS… - FSTYPE SOURCE SUPER"
            let fields = line.split(separator: UInt8(ascii: " "))
            guard let dash = fields.firstIndex(where: { $0.elementsEqual("-".utf8) }),
                  dash + 1 < fields.endIndex, fields[dash + 1].elementsEqual("cgroup2".utf8), fields.count > 4
            else { continue }
            return unescapeMountInfo(String(decoding: fields[4], as: UTF8.self))
        }
        throw .malformed(mountInfo, "no cgroup2 mount")
    }

    /// The cgroup id of the directory `path` (its inode number).
    public static func id(ofDirectory path: String) throws(ProcessReadError) -> UInt64 {
        UInt64(try ProcFile.status(path).st_ino)
    }

    /// The pids in cgroup `id` (its cgroup.procs); throws `.exited` when the
    /// cgroup no longer exists.
    public func pids(inCgroup id: UInt64) throws(ProcessReadError) -> [Int32] {
        let bytes = try procsFile(ofCgroup: id)
        return bytes.split(separator: UInt8(ascii: "\n")).compactMap { Int32(decimal: $0) }
    }

    private func procsFile(ofCgroup id: UInt64) throws(ProcessReadError) -> [UInt8] {
        if state.withLock({ $0.openByHandleWorks }) {
            let fd = pinhole_open_cgroup_by_id(mountFD, id)
            if fd >= 0 {
                defer { close(fd) }
                return try ProcFile.read(at: fd, "cgroup.procs", path: "\(mountPoint)/<cgroup \(id)>/cgroup.procs")
            }
            let code = errno
            if code == ESTALE || code == ENOENT {
                throw ProcessReadError(kind: .exited, path: "\(mountPoint)/<cgroup \(id)>", detail: "no cgroup with that id")
            }
            // EPERM (no CAP_DAC_READ_SEARCH), EOPNOTSUPP: walk the tree from now on.
            state.withLock { $0.openByHandleWorks = false }
        }
        var path = state.withLock { $0.paths[id] }
        if path == nil {
            let walked = walk()
            state.withLock { $0.paths = walked }
            path = walked[id]
        }
        guard let path else {
            throw ProcessReadError(kind: .exited, path: "\(mountPoint)/<cgroup \(id)>", detail: "no cgroup with that id")
        }
        do {
            return try ProcFile.read("\(path)/cgroup.procs", limit: 1 << 24)
        } catch {
            state.withLock { _ = $0.paths.removeValue(forKey: id) }
            throw error
        }
    }

    /// id → path of every cgroup under the mount.
    func walk() -> [UInt64: String] {
        var result: [UInt64: String] = [:]
        var pending = [mountPoint]
        while let directory = pending.popLast(), result.count < Self.walkLimit {
            if let id = try? Self.id(ofDirectory: directory) { result[id] = directory }
            guard let stream = opendir(directory) else { continue }
            defer { closedir(stream) }
            while let entry = readdir(stream) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                guard name != ".", name != ".." else { continue }
                pending.append("\(directory)/\(name)")
            }
        }
        return result
    }

    /// Whether lookups go through open_by_handle_at (for tests and the log).
    public var usesHandles: Bool { state.withLock { $0.openByHandleWorks } }

    /// Makes lookups walk the tree, as they do without CAP_DAC_READ_SEARCH (tests).
    public func disableHandles() { state.withLock { $0.openByHandleWorks = false } }

    /// mountinfo escapes space, tab, newline and backslash as \ooo.
    private static func unescapeMountInfo(_ text: String) -> String {
        guard text.contains("\\") else { return text }
        var bytes: [UInt8] = []
        let source = Array(text.utf8)
        var i = 0
        while i < source.count {
            if source[i] == UInt8(ascii: "\\"), i + 4 <= source.count,
               let value = UInt8(String(decoding: source[(i + 1)..<(i + 4)], as: UTF8.self), radix: 8) {
                bytes.append(value)
                i += 4
            } else {
                bytes.append(source[i])
                i += 1
            }
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}
