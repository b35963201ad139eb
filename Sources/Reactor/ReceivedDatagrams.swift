import CLinux
import Glibc

/// Buffers for reading up to `capacity` datagrams with one `recvmmsg`:
/// each message's bytes, its length and its sender's address.
///
/// Owned by one thread (the reactor's); its memory is reused per batch, so
/// what `message(at:)` and `sender(at:)` return is valid until the next
/// `receive`.
public final class ReceivedDatagrams {
    /// At most this many datagrams per `receive`.
    public let capacity: Int
    /// Bytes kept per datagram; a longer one is cut and marked truncated.
    public let messageSize: Int
    /// How many datagrams the last `receive` read.
    public private(set) var count = 0

    private let payloads: UnsafeMutableRawPointer
    private let addresses: UnsafeMutablePointer<sockaddr_storage>
    private let vectors: UnsafeMutablePointer<iovec>
    private let headers: UnsafeMutablePointer<pinhole_mmsghdr>

    /// Room for `capacity` datagrams of up to `messageSize` bytes each.
    public init(capacity: Int, messageSize: Int) {
        precondition(capacity > 0 && messageSize > 0, "a datagram batch needs room")
        self.capacity = capacity
        self.messageSize = messageSize
        payloads = .allocate(byteCount: capacity * messageSize, alignment: 16)
        addresses = .allocate(capacity: capacity)
        vectors = .allocate(capacity: capacity)
        headers = .allocate(capacity: capacity)
        for index in 0..<capacity {
            vectors[index] = iovec(iov_base: payloads + index * messageSize, iov_len: messageSize)
            var header = pinhole_mmsghdr()
            header.msg_hdr.msg_name = UnsafeMutableRawPointer(addresses + index)
            header.msg_hdr.msg_iov = vectors + index
            header.msg_hdr.msg_iovlen = 1
            headers[index] = header
        }
    }

    deinit {
        payloads.deallocate()
        addresses.deallocate()
        vectors.deallocate()
        headers.deallocate()
    }

    /// Reads what `socket` has waiting, up to `capacity` datagrams: how many
    /// (0 when none is waiting).
    /// - Throws: `SystemCallError` for errors other than "nothing to read".
    @discardableResult
    public func receive(from socket: UDPSocket, name: String) throws(SystemCallError) -> Int {
        for index in 0..<capacity {
            headers[index].msg_hdr.msg_namelen = socklen_t(MemoryLayout<sockaddr_storage>.size)
            headers[index].msg_hdr.msg_flags = 0
            headers[index].msg_len = 0
        }
        while true {
            let received = pinhole_recvmmsg(socket.descriptor, headers, UInt32(capacity), Int32(MSG_DONTWAIT))
            if received >= 0 {
                count = Int(received)
                return count
            }
            switch errno {
            case EINTR: continue
            case EAGAIN, EWOULDBLOCK:
                count = 0
                return 0
            case let code:
                count = 0
                throw SystemCallError(call: "recvmmsg", target: name, errno: code)
            }
        }
    }

    /// The bytes of datagram `index` (< `count`).
    public func message(at index: Int) -> UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: payloads + index * messageSize, count: min(Int(headers[index].msg_len), messageSize))
    }

    /// Whether datagram `index` was longer than `messageSize` and was cut.
    public func isTruncated(at index: Int) -> Bool {
        headers[index].msg_hdr.msg_flags & Int32(MSG_TRUNC) != 0
    }

    /// The sender of datagram `index` as a `sockaddr` pointer and length.
    public func sender(at index: Int) -> (address: UnsafePointer<sockaddr>, length: socklen_t) {
        (UnsafeRawPointer(addresses + index).assumingMemoryBound(to: sockaddr.self), headers[index].msg_hdr.msg_namelen)
    }
}
