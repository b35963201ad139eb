import CLinux
import Glibc
import PinholeCore

/// One socket of a sock_diag reply (an inet_diag_msg and its attributes).
struct DiagSocket: Sendable, Hashable {
    /// AF_INET or AF_INET6.
    var family: UInt8
    /// TCP state number (UDP uses ESTABLISHED for connected, CLOSE for unconnected).
    var state: UInt8
    /// The socket's own address and port, IPv4-mapped addresses unmapped.
    var local: ClientEndpoint
    /// The socket's peer (port 0 and an unspecified address when unconnected).
    var remote: ClientEndpoint
    var uid: UInt32
    /// 0 when no file holds the socket any more (closed, orphaned).
    var inode: UInt64
    /// 0 when the reply had no INET_DIAG_CGROUP_ID (kernels before 5.7).
    var cgroupID: UInt64
    /// IPV6_V6ONLY (INET_DIAG_SKV6ONLY); false for IPv4 sockets.
    var v6Only: Bool

    /// TIME_WAIT: the application closed the socket; only the kernel holds it.
    static let timeWaitState: UInt8 = 6
    /// NEW_SYN_RECV: a half-open request, not a socket of any process.
    static let newSynRecvState: UInt8 = 12

    /// Parses the payload of a SOCK_DIAG_BY_FAMILY message (after the
    /// nlmsghdr); nil when it is shorter than an inet_diag_msg.
    init?(payload: UnsafeRawBufferPointer) {
        let headerSize = MemoryLayout<inet_diag_msg>.size
        guard payload.count >= headerSize else { return nil }
        let message = payload.loadUnaligned(as: inet_diag_msg.self)
        family = message.idiag_family
        state = message.idiag_state
        local = ClientEndpoint(
            ip: IPAddress(diagFamily: family, words: message.id.idiag_src).unmappedIPv4,
            port: Int(UInt16(bigEndian: message.id.idiag_sport)))
        remote = ClientEndpoint(
            ip: IPAddress(diagFamily: family, words: message.id.idiag_dst).unmappedIPv4,
            port: Int(UInt16(bigEndian: message.id.idiag_dport)))
        uid = message.idiag_uid
        inode = UInt64(message.idiag_inode)
        cgroupID = 0
        v6Only = false
        parseAttributes(UnsafeRawBufferPointer(rebasing: payload[Self.align(headerSize)...]))
    }

    /// Reads the rtattrs that follow the message, bounds-checked; unknown
    /// ones (and INET_DIAG_PAD) are skipped.
    private mutating func parseAttributes(_ bytes: UnsafeRawBufferPointer) {
        var offset = 0
        while offset + 4 <= bytes.count {
            let length = Int(bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
            // NLA_F_NESTED and NLA_F_NET_BYTEORDER live in the top two bits.
            let type = Int(bytes.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & 0x3fff)
            guard length >= 4, offset + length <= bytes.count else { return }
            let dataOffset = offset + 4
            let dataLength = length - 4
            switch type {
            case INET_DIAG_CGROUP_ID where dataLength >= 8:
                cgroupID = bytes.loadUnaligned(fromByteOffset: dataOffset, as: UInt64.self)
            case INET_DIAG_SKV6ONLY where dataLength >= 1:
                v6Only = bytes[dataOffset] != 0
            default:
                break
            }
            offset += Self.align(length)
        }
    }

    /// NLMSG_ALIGN / RTA_ALIGN: netlink pads every item to 4 bytes.
    static func align(_ length: Int) -> Int { (length + 3) & ~3 }

    /// What a lookup returns for this socket.
    var owner: SocketOwner { SocketOwner(uid: uid, inode: inode, cgroupID: cgroupID) }
}
