import CLinux
import Glibc

/// Datagrams waiting to go out on one unconnected socket, sent together
/// with `sendmmsg` (one system call per `capacity` datagrams).
///
/// Owned by one thread. The bytes are copied in at `append`, so the
/// caller's arrays need not outlive it.
public final class OutgoingDatagrams {
    /// At most this many datagrams per `sendmmsg`; `append` flushes when full.
    public let capacity: Int
    /// How many datagrams are waiting.
    public private(set) var count = 0

    private let socket: UDPSocket
    private let name: String
    private var arena: UnsafeMutableRawPointer
    private var arenaCapacity: Int
    private var arenaUsed = 0
    /// Start of each waiting datagram in `arena` (offsets survive its growth).
    private var offsets: [Int]
    /// Each waiting datagram's destination, copied in (stable for the kernel).
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private var addressLengths: [socklen_t]
    private let vectors: UnsafeMutablePointer<iovec>
    private let headers: UnsafeMutablePointer<pinhole_mmsghdr>

    /// A queue for `socket` (`name` is for error messages).
    public init(socket: UDPSocket, name: String, capacity: Int) {
        precondition(capacity > 0, "a datagram batch needs room")
        self.socket = socket
        self.name = name
        self.capacity = capacity
        arenaCapacity = 64 * 1024
        arena = .allocate(byteCount: arenaCapacity, alignment: 16)
        offsets = []
        offsets.reserveCapacity(capacity)
        addressLengths = []
        addressLengths.reserveCapacity(capacity)
        addresses = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        headers = .allocate(capacity: capacity)
    }

    deinit {
        arena.deallocate()
        addresses.deallocate()
        vectors.deallocate()
        headers.deallocate()
    }

    /// Queues `datagram` for `address`; sends the batch first when it is full.
    public func append(_ datagram: [UInt8], to address: RawSocketAddress) {
        if count == capacity { flush() }
        if arenaUsed + datagram.count > arenaCapacity {
            let grown = max(arenaCapacity * 2, arenaUsed + datagram.count)
            let bigger = UnsafeMutableRawPointer.allocate(byteCount: grown, alignment: 16)
            bigger.copyMemory(from: arena, byteCount: arenaUsed)
            arena.deallocate()
            arena = bigger
            arenaCapacity = grown
        }
        datagram.withUnsafeBytes { bytes in
            if let base = bytes.baseAddress { (arena + arenaUsed).copyMemory(from: base, byteCount: bytes.count) }
        }
        address.withSockAddr { address, length in
            UnsafeMutableRawPointer(addresses + count).copyMemory(from: address, byteCount: Int(length))
            addressLengths.append(length)
        }
        offsets.append(arenaUsed)
        arenaUsed += datagram.count
        count += 1
    }

    /// Sends every waiting datagram. A datagram the kernel refuses (full
    /// send buffer, unreachable address) is dropped, as UDP may: the
    /// return value counts those, and `lastError` tells why.
    @discardableResult
    public func flush() -> Int {
        guard count > 0 else { return 0 }
        var dropped = 0
        for index in 0..<count {
            let end = index + 1 < count ? offsets[index + 1] : arenaUsed
            vectors[index] = iovec(iov_base: arena + offsets[index], iov_len: end - offsets[index])
            var header = pinhole_mmsghdr()
            header.msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + index)
            header.msg_hdr.msg_namelen = addressLengths[index]
            header.msg_hdr.msg_iov = vectors + index
            header.msg_hdr.msg_iovlen = 1
            headers[index] = header
        }
        var next = 0
        while next < count {
            let sent = pinhole_sendmmsg(socket.descriptor, headers + next, UInt32(count - next), Int32(MSG_NOSIGNAL))
            if sent > 0 {
                next += Int(sent)
                continue
            }
            let code = sent < 0 ? errno : EIO
            if code == EINTR { continue }
            // The datagram at `next` failed on its own; the rest may still go.
            lastError = SystemCallError(call: "sendmmsg", target: name, errno: code)
            dropped += 1
            next += 1
        }
        addressLengths.removeAll(keepingCapacity: true)
        offsets.removeAll(keepingCapacity: true)
        arenaUsed = 0
        count = 0
        return dropped
    }

    /// Why the last dropped datagram was dropped.
    public private(set) var lastError: SystemCallError?
}
