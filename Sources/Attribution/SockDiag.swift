import CLinux
import Glibc
import PinholeCore
import Synchronization

/// Finds a query's client socket through NETLINK_SOCK_DIAG: an exact lookup
/// by the socket's address tuple, else a dump of the sockets on the client's
/// port, filtered in the kernel. Answers with the socket's uid, inode and
/// cgroup v2 id.
///
/// One netlink socket, opened once and shared under a lock: UDP lookups run
/// on the reactor thread, TCP ones on NIO threads. A lookup allocates
/// nothing; request and reply buffers are reused.
public final class SockDiag: SocketLookup {
    private struct State {
        var sequence: UInt32 = 0
        let request: UnsafeMutableRawBufferPointer
        let reply: UnsafeMutableRawBufferPointer
        var statistics = SockDiagStatistics()
    }

    /// One reply message of the current request.
    private enum Message {
        /// A SOCK_DIAG_BY_FAMILY payload (an inet_diag_msg and attributes).
        case socket(UnsafeRawBufferPointer)
        /// NLMSG_ERROR: the positive errno (0 is an acknowledgement).
        case error(Int32)
        /// NLMSG_DONE: the end of a dump, with its positive errno (0 when complete).
        case done(Int32)
    }

    /// A dump's reply chunk can reach 32 KiB (the kernel sizes it after the
    /// largest recv it has seen); twice that never truncates.
    private static let replyCapacity = 64 * 1024
    private static let replyTimeout = timeval(tv_sec: 2, tv_usec: 0)

    private let fd: Int32
    private let state: Mutex<State>

    /// Opens the NETLINK_SOCK_DIAG socket; throws with the failing call when
    /// the kernel has no sock_diag or refuses the socket.
    public init() throws(SockDiagError) {
        let fd = socket(AF_NETLINK, Int32(SOCK_RAW.rawValue) | Int32(SOCK_CLOEXEC.rawValue), NETLINK_SOCK_DIAG)
        guard fd >= 0 else { throw SockDiagError("socket(AF_NETLINK, NETLINK_SOCK_DIAG)", errno: errno) }
        var timeout = Self.replyTimeout
        var kernel = sockaddr_nl()
        kernel.nl_family = sa_family_t(AF_NETLINK)
        let connected = withUnsafePointer(to: &kernel) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                connect(fd, $0, socklen_t(MemoryLayout<sockaddr_nl>.size))
            }
        }
        guard connected == 0,
            setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size)) == 0
        else {
            let code = errno
            close(fd)
            throw SockDiagError(
                connected == 0 ? "setsockopt(SO_RCVTIMEO) on the sock_diag socket" : "connect of the sock_diag socket to the kernel",
                errno: code)
        }
        self.fd = fd
        state = Mutex(
            State(
                request: .allocate(byteCount: SockDiagRequest.maximumSize, alignment: 8),
                reply: .allocate(byteCount: Self.replyCapacity, alignment: 8)))
    }

    deinit {
        state.withLock {
            $0.request.deallocate()
            $0.reply.deallocate()
        }
        close(fd)
    }

    /// How lookups were answered so far.
    public var statistics: SockDiagStatistics { state.withLock { $0.statistics } }

    /// The client socket that sent `request`'s query: `request.client` is its
    /// local side, `request.originalDestination ?? request.local` its peer.
    /// The returned `cgroupID` is 0 when the kernel sent no
    /// INET_DIAG_CGROUP_ID (before 5.7, or without cgroup support); `inode`
    /// is 0 when no file holds the socket any more.
    public func owner(of request: AttributionRequest) -> SocketLookupResult {
        let key = ClientSocketKey(request)
        return state.withLock { state in
            do throws(SockDiagError) {
                if let remote = key.remote, let socket = try exact(key, remote: remote, state: &state) {
                    state.statistics.exactHits += 1
                    return .found(socket.owner)
                }
                state.statistics.dumps += 1
                if let socket = try dump(key, state: &state) {
                    return .found(socket.owner)
                }
                state.statistics.notFound += 1
                return .notFound
            } catch {
                return error.isPermissionDenied ? .permissionDenied : .failed(error.description)
            }
        }
    }

    /// The socket with exactly this tuple; nil when the kernel has none
    /// (ENOENT) or only a TIME_WAIT remnant of it.
    private func exact(_ key: ClientSocketKey, remote: ClientEndpoint, state: inout State) throws(SockDiagError) -> DiagSocket? {
        // Built only when something fails: the hot path allocates nothing.
        func what() -> String { "exact lookup of \(key.description)" }
        state.sequence &+= 1
        let length = SockDiagRequest.writeExact(key, remote: remote, sequence: state.sequence, into: state.request)
        var found: DiagSocket?
        var failure: Int32 = 0
        try exchange(length, state: &state, what: what()) { message in
            switch message {
            case .socket(let payload): found = DiagSocket(payload: payload)
            case .error(let code), .done(let code): failure = code
            }
        }
        if failure == ENOENT { return nil }
        if failure != 0 { throw SockDiagError(what(), errno: failure) }
        guard let found else { throw SockDiagError("\(what()): reply without a socket") }
        if found.state == DiagSocket.timeWaitState || found.state == DiagSocket.newSynRecvState { return nil }
        return found
    }

    /// The best socket on the client's port whose local address is the
    /// client's or a wildcard covering it, over every family that can hold it.
    private func dump(_ key: ClientSocketKey, state: inout State) throws(SockDiagError) -> DiagSocket? {
        var best: (score: Int, socket: DiagSocket)?
        let states = key.transport == .tcp ? SockDiagRequest.tcpClientStates : SockDiagRequest.allStates
        for family in key.candidateFamilies {
            func what() -> String { "dump of \(family == UInt8(AF_INET) ? "IPv4" : "IPv6") sockets for \(key.description)" }
            state.sequence &+= 1
            let length = SockDiagRequest.writeDump(
                family: family, ipProtocol: key.ipProtocol, states: states, localPort: key.local.port,
                sequence: state.sequence, into: state.request)
            var failure: Int32 = 0
            try exchange(length, state: &state, what: what()) { message in
                switch message {
                case .socket(let payload):
                    guard let socket = DiagSocket(payload: payload), let score = Self.score(socket, for: key) else { return }
                    if best == nil || score > best!.score { best = (score, socket) }
                case .error(let code), .done(let code):
                    failure = code
                }
            }
            if failure != 0 { throw SockDiagError(what(), errno: failure) }
        }
        return best?.socket
    }

    /// How well a dumped socket fits the client; nil when it cannot be the
    /// client's. A socket still held by a file beats an orphan, the exact
    /// address beats a wildcard, a peer equal to the known one breaks ties.
    private static func score(_ socket: DiagSocket, for key: ClientSocketKey) -> Int? {
        guard socket.local.port == key.local.port,
            socket.state != DiagSocket.timeWaitState, socket.state != DiagSocket.newSynRecvState
        else { return nil }
        let sameAddress = socket.local.ip == key.local.ip
        let coveringWildcard = socket.local.ip.isUnspecified && !(socket.v6Only && key.local.ip.isIPv4)
        guard sameAddress || coveringWildcard else { return nil }
        return (socket.inode != 0 ? 4 : 0) + (sameAddress ? 2 : 0) + (socket.remote == key.remote ? 1 : 0)
    }

    /// Sends the `length`-byte request in `state.request` and hands each reply
    /// message of its sequence number to `handle`, until the reply is
    /// complete: a single message, an error, or NLMSG_DONE after a dump.
    /// Messages of older sequence numbers (left by a timed-out request) are skipped.
    private func exchange(
        _ length: Int, state: inout State, what: @autoclosure () -> String, handle: (Message) -> Void
    ) throws(SockDiagError) {
        var sent: Int
        repeat { sent = send(fd, state.request.baseAddress, length, Int32(MSG_NOSIGNAL)) } while sent < 0 && errno == EINTR
        guard sent == length else {
            let code = sent < 0 ? errno : 0
            throw SockDiagError("send of the \(what())", errno: code)
        }

        let reply = state.reply
        let sequence = state.sequence
        while true {
            var received: Int
            // MSG_TRUNC makes recv return the datagram's full length, so a
            // reply larger than the buffer is an error, not a silent cut.
            repeat { received = recv(fd, reply.baseAddress, reply.count, Int32(MSG_TRUNC)) } while received < 0 && errno == EINTR
            guard received > 0 else {
                let code = received < 0 ? errno : 0
                let reason = code == EAGAIN ? "recv of the \(what()) reply (no reply within \(Self.replyTimeout.tv_sec) s)" : "recv of the \(what()) reply"
                throw SockDiagError(reason, errno: code)
            }
            guard received <= reply.count else {
                throw SockDiagError("\(what()): reply of \(received) bytes exceeds the \(reply.count)-byte buffer")
            }
            var offset = 0
            while offset + SockDiagRequest.headerSize <= received {
                let header = reply.loadUnaligned(fromByteOffset: offset, as: nlmsghdr.self)
                let messageLength = Int(header.nlmsg_len)
                guard messageLength >= SockDiagRequest.headerSize, offset + messageLength <= received else {
                    throw SockDiagError("\(what()): malformed reply (message of \(messageLength) bytes at \(offset) of \(received))")
                }
                let payload = UnsafeRawBufferPointer(
                    rebasing: reply[(offset + SockDiagRequest.headerSize)..<(offset + messageLength)])
                offset += DiagSocket.align(messageLength)
                guard header.nlmsg_seq == sequence else { continue }
                switch Int32(header.nlmsg_type) {
                case NLMSG_ERROR, NLMSG_DONE:
                    let code = payload.count >= 4 ? payload.loadUnaligned(as: Int32.self) : 0
                    handle(Int32(header.nlmsg_type) == NLMSG_ERROR ? .error(-code) : .done(-code))
                    return
                case Int32(SOCK_DIAG_BY_FAMILY):
                    handle(.socket(payload))
                    if Int32(header.nlmsg_flags) & NLM_F_MULTI == 0 { return }
                default:
                    continue
                }
            }
        }
    }
}
