/// What a file was before `system-resolver enable` changed it, as kept in
/// the backup manifest: missing, a symlink (with its target), or a regular
/// file (permission bits, owner; its bytes are in a backup file beside the manifest).
public struct FileState: Sendable, Equatable, Codable {
    public enum Kind: String, Sendable, Codable {
        case absent, symlink, regular
    }

    public var kind: Kind
    /// The symlink's target, as readlink(2) returns it.
    public var target: String?
    /// Permission bits (regular files).
    public var mode: UInt32?
    public var uid: UInt32?
    public var gid: UInt32?
    /// Size in bytes (regular files), to check the backup.
    public var size: Int?

    public static let absent = FileState(kind: .absent)

    public init(kind: Kind, target: String? = nil, mode: UInt32? = nil, uid: UInt32? = nil, gid: UInt32? = nil, size: Int? = nil) {
        self.kind = kind
        self.target = target
        self.mode = mode
        self.uid = uid
        self.gid = gid
        self.size = size
    }
}
