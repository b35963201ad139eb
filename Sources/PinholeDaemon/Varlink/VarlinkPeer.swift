import NIOCore

#if canImport(Glibc)
import Glibc
#endif

/// The process at the other end of a varlink connection, as the kernel
/// recorded it when it connected: SO_PEERCRED and SO_PEERPIDFD.
struct VarlinkPeer: Sendable {
    var pid: Int32
    var uid: UInt32
    /// A pidfd of that process (kernel 6.5+), owned by the connection; nil when the kernel has none.
    var pidfd: Int32?

    /// SO_PEERPIDFD from <asm-generic/socket.h>; newer than these headers.
    static let peerPidfdOption: Int32 = 77

    /// Reads both options of `channel`; a missing pidfd (older kernel) is no failure.
    static func of(_ channel: any Channel) -> EventLoopFuture<VarlinkPeer> {
        guard let provider = channel as? any SocketOptionProvider else {
            return channel.eventLoop.makeFailedFuture(ChannelError.operationUnsupported)
        }
        let credentials: EventLoopFuture<PeerCredentials.Raw> = provider.unsafeGetSocketOption(
            level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(SO_PEERCRED))
        return credentials.flatMap { raw in
            let pidfd: EventLoopFuture<Int32> = provider.unsafeGetSocketOption(
                level: SocketOptionLevel(SOL_SOCKET), name: SocketOptionName(peerPidfdOption))
            return pidfd.map { fd -> VarlinkPeer in
                VarlinkPeer(pid: raw.pid, uid: raw.uid, pidfd: fd >= 0 ? fd : nil)
            }.recover { _ in
                VarlinkPeer(pid: raw.pid, uid: raw.uid, pidfd: nil)
            }
        }
    }

    /// Closes the pidfd (once the connection is gone).
    func release() {
        if let pidfd { close(pidfd) }
    }
}
