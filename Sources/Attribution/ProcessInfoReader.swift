import Glibc
import PinholeCore

/// Reads one process's /proc files, bounds-checked, each failure naming the
/// file and whether the process exited or the kernel refused.
public struct ProcessInfoReader: Sendable {
    /// The procfs mount ("/proc"); tests may point elsewhere.
    public var procRoot: String

    public init(procRoot: String = "/proc") {
        self.procRoot = procRoot
    }

    /// Everything about `pid`. Throws `.exited` when the process is gone or
    /// was replaced by another one with the same pid while reading.
    public func details(of pid: Int32) throws(ProcessReadError) -> ProcessDetails {
        let first = try stat(of: pid)
        let uid = try realUID(of: pid)
        let exe = try executable(of: pid)
        let result = ProcessDetails(
            pid: pid, startTime: first.startTime, comm: first.comm, ppid: first.ppid, uid: uid,
            executable: exe.path, executableState: exe.state,
            commandLine: try commandLine(of: pid),
            cgroupPath: try cgroupPath(of: pid),
            ancestors: ancestors(ofParent: first.ppid)
        )
        // The pid may have been reused while we read: the files would then
        // describe two processes. The start time tells.
        let last = try stat(of: pid)
        guard last.startTime == first.startTime else {
            throw ProcessReadError(kind: .exited, path: "\(procRoot)/\(pid)/stat", detail: "pid reused while reading (start time \(first.startTime) → \(last.startTime))")
        }
        return result
    }

    /// /proc/PID/stat.
    public func stat(of pid: Int32) throws(ProcessReadError) -> ProcessStat {
        let path = "\(procRoot)/\(pid)/stat"
        return try ProcessStat.parse(ProcFile.read(path, limit: 4096), path: path)
    }

    /// The real uid from /proc/PID/status.
    public func realUID(of pid: Int32) throws(ProcessReadError) -> UInt32 {
        let path = "\(procRoot)/\(pid)/status"
        let bytes = try ProcFile.read(path, limit: 16384)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: Array("Uid:".utf8)) {
            let fields = line.dropFirst(4).split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
            guard let first = fields.first, let uid = UInt32(decimal: first) else { break }
            return uid
        }
        throw .malformed(path, "no Uid: line")
    }

    /// argv from /proc/PID/cmdline; empty for kernel threads and zombies.
    public func commandLine(of pid: Int32) throws(ProcessReadError) -> [String] {
        var bytes = try ProcFile.read("\(procRoot)/\(pid)/cmdline", limit: 1 << 20)[...]
        if bytes.last == 0 { bytes = bytes.dropLast() }
        guard !bytes.isEmpty else { return [] }
        return bytes.split(separator: 0, omittingEmptySubsequences: false).map { String(decoding: $0, as: UTF8.self) }
    }

    /// The process a pid or thread id belongs to (Tgid) and its real,
    /// effective, saved and filesystem uids, from /proc/PID/status.
    public func threadGroup(of pid: Int32) throws(ProcessReadError) -> (tgid: Int32, uids: [UInt32]) {
        let path = "\(procRoot)/\(pid)/status"
        let bytes = try ProcFile.read(path, limit: 16384)
        var tgid: Int32?
        var uids: [UInt32] = []
        for line in bytes.split(separator: UInt8(ascii: "\n")) {
            if line.starts(with: Array("Tgid:".utf8)) {
                tgid = Int32(decimal: line.dropFirst(5).drop { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
            } else if line.starts(with: Array("Uid:".utf8)) {
                uids = line.dropFirst(4).split(whereSeparator: { $0 == UInt8(ascii: "\t") || $0 == UInt8(ascii: " ") })
                    .compactMap { UInt32(decimal: $0) }
            }
        }
        guard let tgid, !uids.isEmpty else { throw .malformed(path, "no Tgid: or Uid: line") }
        return (tgid, uids)
    }

    /// The cgroup v2 path: the `0::` line of /proc/PID/cgroup.
    public func cgroupPath(of pid: Int32) throws(ProcessReadError) -> String {
        let path = "\(procRoot)/\(pid)/cgroup"
        let bytes = try ProcFile.read(path, limit: 65536)
        let marker = Array("0::".utf8)
        for line in bytes.split(separator: UInt8(ascii: "\n")) where line.starts(with: marker) {
            return String(decoding: line.dropFirst(marker.count), as: UTF8.self)
        }
        throw .malformed(path, "no cgroup v2 (0::) line")
    }

    /// The executable path and whether it still names the running file.
    public func executable(of pid: Int32) throws(ProcessReadError) -> (path: String, state: ExecutableState) {
        let link = "\(procRoot)/\(pid)/exe"
        let target = try ProcFile.readLink(link)
        let running = try ProcFile.status(link)
        if let onDisk = try? ProcFile.status(target) {
            if onDisk.st_dev == running.st_dev, onDisk.st_ino == running.st_ino { return (target, .present) }
            // A file really named "… (deleted)" was checked above; here the
            // suffix is the kernel's.
            if let stripped = Self.strippingDeleted(target) { return (stripped, .deleted) }
            return (target, .replaced)
        }
        if let stripped = Self.strippingDeleted(target) {
            // Deleted, and a new file took its name (a package upgrade).
            if (try? ProcFile.status(stripped)) != nil { return (stripped, .replaced) }
            return (stripped, .deleted)
        }
        // The path is not visible from here (another mount namespace).
        return (target, .present)
    }

    /// Parent, grandparent, … up to and including pid 1, starting at `ppid`.
    /// Stops early when an ancestor exits while we walk.
    public func ancestors(ofParent ppid: Int32) -> [ProcessAncestor] {
        var chain: [ProcessAncestor] = []
        var next = ppid
        // Bounded: a pid namespace loop or a racing reparent cannot spin us.
        while next > 0, chain.count < 64 {
            guard let parent = try? stat(of: next) else { break }
            chain.append(ProcessAncestor(pid: next, name: parent.comm))
            if next == 1 { break }
            next = parent.ppid
        }
        return chain
    }

    private static func strippingDeleted(_ path: String) -> String? {
        let suffix = " (deleted)"
        guard path.hasSuffix(suffix) else { return nil }
        return String(path.dropLast(suffix.count))
    }
}
