#if canImport(Glibc)
import Glibc
#endif

/// Which file a path names (device and inode), to tell our socket file
/// from one another process put at the same path.
struct SocketFileIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    /// The identity of what `path` names now (lstat), nil when nothing.
    init?(path: String) {
        var info = stat()
        guard lstat(path, &info) == 0 else { return nil }
        device = UInt64(info.st_dev)
        inode = UInt64(info.st_ino)
    }
}
