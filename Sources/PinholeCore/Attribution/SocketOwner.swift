/// What the kernel's socket table (sock_diag) says about a client socket.
public struct SocketOwner: Sendable, Hashable {
    /// uid that created the socket.
    public var uid: UInt32
    /// Inode of the socket ("socket:[INODE]" in /proc/PID/fd).
    public var inode: UInt64
    /// cgroup v2 id of the socket (the creator's cgroup when it was made):
    /// the id nftables' `socket cgroupv2` matches.
    public var cgroupID: UInt64

    public init(uid: UInt32, inode: UInt64, cgroupID: UInt64) {
        self.uid = uid
        self.inode = inode
        self.cgroupID = cgroupID
    }
}
