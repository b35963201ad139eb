#if canImport(Glibc)
import Glibc
#endif

/// Who may read through the control socket: root, and members of the
/// `pinhole` group (primary or supplementary) — the same people who may
/// read the query-log database.
public struct ControlAuthorization: Sendable {
    /// The gid of the reader group; nil when the group does not exist (root only).
    public var readerGroup: UInt32?

    public init(readerGroup: UInt32?) {
        self.readerGroup = readerGroup
    }

    /// The group `pinhole` from the group database.
    public static func system(groupName: String = "pinhole") -> ControlAuthorization {
        ControlAuthorization(readerGroup: getgrnam(groupName).map { $0.pointee.gr_gid })
    }

    /// Whether `peer` may read.
    public func allows(_ peer: PeerCredentials) -> Bool {
        if peer.uid == 0 { return true }
        guard let readerGroup else { return false }
        return peer.gid == readerGroup || peer.groups.contains(readerGroup)
    }
}
