import Foundation

/// Who is at the other end of a Unix socket: SO_PEERCRED's pid, uid and gid
/// plus the process's supplementary groups (from /proc/PID/status).
public struct PeerCredentials: Sendable, Hashable {
    public var pid: Int32
    public var uid: UInt32
    public var gid: UInt32
    /// Supplementary groups; empty when /proc could not be read.
    public var groups: [UInt32]

    public init(pid: Int32, uid: UInt32, gid: UInt32, groups: [UInt32] = []) {
        self.pid = pid
        self.uid = uid
        self.gid = gid
        self.groups = groups
    }

    /// The layout of `struct ucred`, for getsockopt(SO_PEERCRED).
    struct Raw: Sendable {
        var pid: Int32 = 0
        var uid: UInt32 = 0
        var gid: UInt32 = 0
    }

    /// From SO_PEERCRED's values, with the groups read from /proc/PID/status.
    init(_ raw: Raw, procRoot: String = "/proc") {
        self.init(pid: raw.pid, uid: raw.uid, gid: raw.gid, groups: Self.groups(pid: raw.pid, procRoot: procRoot))
    }

    /// The "Groups:" line of /proc/PID/status.
    static func groups(pid: Int32, procRoot: String = "/proc") -> [UInt32] {
        guard let status = try? String(contentsOfFile: "\(procRoot)/\(pid)/status", encoding: .utf8),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("Groups:") })
        else { return [] }
        return line.dropFirst("Groups:".count).split(whereSeparator: { $0 == " " || $0 == "\t" }).compactMap { UInt32($0) }
    }
}
