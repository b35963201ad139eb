#if canImport(Glibc)
import Glibc
#endif
import Testing
@testable import PinholeDaemon

@Suite struct PortHolderTests {
    /// A socket of this test process bound to 127.0.0.1 on a free port.
    private struct BoundSocket {
        let fd: Int32
        let port: Int

        init(type: Int32, listening: Bool) throws {
            let fd = socket(AF_INET, type, 0)
            try #require(fd >= 0, "socket() failed: errno \(errno)")
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_addr.s_addr = inet_addr("127.0.0.1")
            let bound = withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            try #require(bound == 0, "bind() failed: errno \(errno)")
            if listening { try #require(listen(fd, 1) == 0, "listen() failed: errno \(errno)") }
            var length = socklen_t(MemoryLayout<sockaddr_in>.size)
            withUnsafeMutablePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(fd, $0, &length) }
            }
            self.fd = fd
            self.port = Int(UInt16(bigEndian: address.sin_port))
        }

        func close() { _ = Glibc.close(fd) }
    }

    private var me: String {
        let comm = (try? TextFile.contents(of: "/proc/self/comm")) ?? ""
        return "\(comm.hasSuffix("\n") ? String(comm.dropLast()) : comm) (pid \(getpid()))"
    }

    @Test func namesThisProcessForItsUDPSocket() throws {
        let socket = try BoundSocket(type: Int32(SOCK_DGRAM.rawValue), listening: false)
        defer { socket.close() }
        #expect(PortHolder.describe(address: "127.0.0.1", port: socket.port, transport: .udp) == me)
        // Binding the wildcard on that port would conflict too.
        #expect(PortHolder.describe(address: "0.0.0.0", port: socket.port, transport: .udp) == me)
        #expect(PortHolder.describe(address: "127.0.0.2", port: socket.port, transport: .udp) == nil)
        #expect(PortHolder.describe(address: "127.0.0.1", port: socket.port, transport: .tcp) == nil)
    }

    @Test func namesThisProcessForItsListeningTCPSocket() throws {
        let listener = try BoundSocket(type: Int32(SOCK_STREAM.rawValue), listening: true)
        defer { listener.close() }
        #expect(PortHolder.describe(address: "127.0.0.1", port: listener.port, transport: .tcp) == me)
        let message = PortHolder.bindErrorMessage(
            address: try SocketAddressText(parsing: "127.0.0.1:\(listener.port)"), transport: .tcp,
            configPath: "/etc/pinhole/pinhole.toml")
        #expect(message == "127.0.0.1:\(listener.port) is in use by \(me); change server.listen in /etc/pinhole/pinhole.toml or pass --listen")
    }

    @Test func boundButNotListeningTCPDoesNotCount() throws {
        let socket = try BoundSocket(type: Int32(SOCK_STREAM.rawValue), listening: false)
        defer { socket.close() }
        #expect(PortHolder.describe(address: "127.0.0.1", port: socket.port, transport: .tcp) == nil)
    }

    @Test func unknownHolderMessageStillAdvises() throws {
        let address = try SocketAddressText(parsing: "127.0.0.1:1")  // nothing listens on TCP port 1 here
        let message = PortHolder.bindErrorMessage(address: address, transport: .tcp, configPath: "/x.toml")
        #expect(message.hasPrefix("127.0.0.1:1 is in use (TCP) by a process not visible from here"))
        #expect(message.hasSuffix("change server.listen in /x.toml or pass --listen"))
        let denied = PortHolder.bindErrorMessage(address: address, transport: .udp, errno: EACCES, configPath: "/x.toml")
        #expect(denied.contains("CAP_NET_BIND_SERVICE"))
    }

    @Test func parsesKernelHexByteOrder() throws {
        let text = """
              sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode ref pointer drops
              0: 9900007F:0035 00000000:0000 07 00000000:00000000 00:00000000 00000000   101        0 812345 2 0000000000000000 0
              1: 00000000:1F90 00000000:0000 0A 00000000:00000000 00:00000000 00000000     0        0 4242 1 0000000000000000 100 0 0 10 0
            """
        let v4 = ProcNetSocketTable(parsing: text).entries
        #expect(v4.count == 2)
        // The bytes are little-endian words on x86 and arm64, as the test machine is.
        #expect(v4.first?.local.description == "127.0.0.153:53")
        #expect(v4.first?.inode == 812_345)
        #expect(v4.last?.local.description == "0.0.0.0:8080")
        #expect(v4.last?.state == ProcNetSocketTable.tcpListen)

        let v6 = ProcNetSocketTable(parsing: """
              sl  local_address                         remote_address                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode
              0: 00000000000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 99 2 0000000000000000 0
              1: 000080FE000000000000000001000000:0035 00000000000000000000000000000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 98 2 0000000000000000 0
            """).entries
        #expect(v6.map(\.local.description) == ["[::1]:53", "[fe80::1]:53"])
    }

    @Test func overlapRules() throws {
        func a(_ text: String) throws -> SocketAddressText { try SocketAddressText(parsing: text) }
        #expect(PortHolder.overlaps(try a("0.0.0.0:53"), try a("127.0.0.153:53")))
        #expect(PortHolder.overlaps(try a("127.0.0.153:53"), try a("0.0.0.0:53")))
        #expect(PortHolder.overlaps(try a("[::]:53"), try a("127.0.0.153:53")))
        #expect(PortHolder.overlaps(try a("[::ffff:127.0.0.153]:53"), try a("127.0.0.153:53")))
        #expect(!PortHolder.overlaps(try a("0.0.0.0:53"), try a("[::1]:53")))
        #expect(!PortHolder.overlaps(try a("127.0.0.1:53"), try a("127.0.0.153:53")))
        #expect(!PortHolder.overlaps(try a("127.0.0.153:54"), try a("127.0.0.153:53")))
    }
}
