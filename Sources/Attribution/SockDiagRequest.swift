import CLinux
import Glibc
import PinholeCore

/// Encodes sock_diag requests (nlmsghdr + inet_diag_req_v2 [+ bytecode])
/// into a caller's buffer, so a lookup allocates nothing.
enum SockDiagRequest {
    static let headerSize = MemoryLayout<nlmsghdr>.size
    static let bodySize = MemoryLayout<inet_diag_req_v2>.size
    /// nlattr header + two inet_diag_bc_ops (the comparison and its port).
    static let bytecodeSize = 4 + 2 * MemoryLayout<inet_diag_bc_op>.size
    /// The largest request written here.
    static let maximumSize = headerSize + bodySize + bytecodeSize

    /// Every TCP state bit, for requests that must not filter by state.
    static let allStates: UInt32 = 0xffff_ffff
    /// TCP states a client socket can have sent a query from: connected, or
    /// closing after the send. Listeners, half-open requests and TIME_WAIT
    /// (no process holds the socket) are left out.
    static let tcpClientStates: UInt32 = {
        let states: [UInt32] = [1, 4, 5, 7, 8, 9, 11]  // ESTABLISHED, FIN_WAIT1/2, CLOSE, CLOSE_WAIT, LAST_ACK, CLOSING
        return states.reduce(0) { $0 | 1 << $1 }
    }()

    /// An exact lookup (no NLM_F_DUMP) of the socket `key.local` ↔ `remote`.
    /// tcp_diag (inet_diag_find_one_icsk) reads idiag_src as the socket's
    /// own side, but udp_diag (udp_dump_one → __udp4_lib_lookup) passes
    /// idiag_src as the *packet source*, i.e. the socket's peer: the two
    /// are swapped for UDP.
    static func writeExact(
        _ key: ClientSocketKey, remote: ClientEndpoint, sequence: UInt32, into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var body = inet_diag_req_v2()
        body.sdiag_family = key.family
        body.sdiag_protocol = key.ipProtocol
        body.idiag_ext = 0
        body.idiag_states = allStates
        let (source, destination) = key.transport == .tcp ? (key.local, remote) : (remote, key.local)
        body.id.idiag_src = source.ip.diagWords
        body.id.idiag_sport = UInt16(truncatingIfNeeded: source.port).bigEndian
        body.id.idiag_dst = destination.ip.diagWords
        body.id.idiag_dport = UInt16(truncatingIfNeeded: destination.port).bigEndian
        body.id.idiag_cookie = (INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE)
        let length = headerSize + bodySize
        writeHeader(length: length, flags: UInt16(NLM_F_REQUEST), sequence: sequence, into: buffer)
        withUnsafeBytes(of: &body) { buffer.baseAddress!.advanced(by: headerSize).copyMemory(from: $0.baseAddress!, byteCount: bodySize) }
        return length
    }

    /// A dump of `family`/`ipProtocol` sockets in `states` whose local port
    /// is `localPort`; the kernel filters the port (INET_DIAG_BC_S_EQ), so
    /// only candidates cross to user space.
    static func writeDump(
        family: UInt8, ipProtocol: UInt8, states: UInt32, localPort: Int, sequence: UInt32,
        into buffer: UnsafeMutableRawBufferPointer
    ) -> Int {
        var body = inet_diag_req_v2()
        body.sdiag_family = family
        body.sdiag_protocol = ipProtocol
        body.idiag_states = states
        body.id.idiag_cookie = (INET_DIAG_NOCOOKIE, INET_DIAG_NOCOOKIE)
        let length = headerSize + bodySize + bytecodeSize
        writeHeader(length: length, flags: UInt16(NLM_F_REQUEST) | UInt16(NLM_F_DUMP), sequence: sequence, into: buffer)
        withUnsafeBytes(of: &body) { buffer.baseAddress!.advanced(by: headerSize).copyMemory(from: $0.baseAddress!, byteCount: bodySize) }

        let attribute = headerSize + bodySize
        buffer.storeBytes(of: UInt16(bytecodeSize), toByteOffset: attribute, as: UInt16.self)
        buffer.storeBytes(of: UInt16(INET_DIAG_REQ_BYTECODE), toByteOffset: attribute + 2, as: UInt16.self)
        // The program: "local port == localPort". An op jumps `yes` bytes when
        // its test holds and `no` bytes when not; ending exactly at the end
        // accepts, jumping past it (program length + 4) rejects.
        let program = attribute + 4
        let opSize = MemoryLayout<inet_diag_bc_op>.size
        let comparison = inet_diag_bc_op(
            code: UInt8(INET_DIAG_BC_S_EQ), yes: UInt8(2 * opSize), no: UInt16(2 * opSize + 4))
        let operand = inet_diag_bc_op(code: 0, yes: 0, no: UInt16(truncatingIfNeeded: localPort))
        buffer.storeBytes(of: comparison, toByteOffset: program, as: inet_diag_bc_op.self)
        buffer.storeBytes(of: operand, toByteOffset: program + opSize, as: inet_diag_bc_op.self)
        return length
    }

    private static func writeHeader(length: Int, flags: UInt16, sequence: UInt32, into buffer: UnsafeMutableRawBufferPointer) {
        var header = nlmsghdr()
        header.nlmsg_len = UInt32(length)
        header.nlmsg_type = UInt16(SOCK_DIAG_BY_FAMILY)
        header.nlmsg_flags = flags
        header.nlmsg_seq = sequence
        header.nlmsg_pid = 0
        buffer.storeBytes(of: header, toByteOffset: 0, as: nlmsghdr.self)
    }
}
