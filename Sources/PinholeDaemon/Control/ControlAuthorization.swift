#if canImport(Glibc)
import Glibc
#endif

/// Who may do what through the control socket (checked by SO_PEERCRED):
/// root and members of the reader group (`pinhole`, primary or
/// supplementary) may read — the same people who may read the query-log
/// database; only root and members of the admin group (`control.admin_group`,
/// none by default) may change policy. Admins may also read.
public struct ControlAuthorization: Sendable {
    /// The gid of the reader group; nil when the group does not exist (root only).
    public var readerGroup: UInt32?
    /// The gid of the admin group; nil: only root may change policy.
    public var adminGroup: UInt32?

    public init(readerGroup: UInt32?, adminGroup: UInt32? = nil) {
        self.readerGroup = readerGroup
        self.adminGroup = adminGroup
    }

    /// The groups named in `[control]` (`read_group`, `admin_group`): a name
    /// from the group database or a numeric gid. A name that does not exist
    /// grants nothing.
    public static func system(readGroup: String = "pinhole", adminGroup: String? = nil) -> ControlAuthorization {
        ControlAuthorization(readerGroup: gid(readGroup), adminGroup: adminGroup.flatMap(gid))
    }

    /// The gid of `group` (digits are a gid), nil when there is no such group.
    public static func gid(_ group: String) -> UInt32? {
        if let number = UInt32(group) { return number }
        return getgrnam(group).map { $0.pointee.gr_gid }
    }

    /// Whether `peer` may read (status, the live log).
    public func allows(_ peer: PeerCredentials) -> Bool {
        peer.uid == 0 || peer.isMember(of: readerGroup) || peer.isMember(of: adminGroup)
    }

    /// Whether `peer` may change policy (reload, allow, deny, mode).
    public func allowsChanges(_ peer: PeerCredentials) -> Bool {
        peer.uid == 0 || peer.isMember(of: adminGroup)
    }
}

extension PeerCredentials {
    /// In `group` as primary or supplementary group; false for nil.
    func isMember(of group: UInt32?) -> Bool {
        guard let group else { return false }
        return gid == group || groups.contains(group)
    }
}
