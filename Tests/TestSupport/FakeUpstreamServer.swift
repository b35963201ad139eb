#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import DNSWire

/// The sockets and threads behind `FakeUpstream`.
///
/// One thread polls the UDP socket and the TCP listener (and sends delayed UDP
/// replies when due); each TCP connection gets a thread of its own. The
/// threads retain this object, not the `FakeUpstream`, so dropping the
/// `FakeUpstream` runs its deinit, which stops them.
final class FakeUpstreamServer: @unchecked Sendable {
    typealias Request = FakeUpstream.Request
    typealias Action = FakeUpstream.Action
    typealias Transport = FakeUpstream.Transport

    let port: UInt16
    let address: String

    private let handler: @Sendable (Request) -> Action
    private let udpFD: Int32
    private let tcpFD: Int32
    /// Read end of the stop pipe: written once, never read, so every poll
    /// (level-triggered) keeps seeing it.
    private let wakeFD: Int32
    private let wakeWriteFD: Int32
    private let state = Locked(State())
    private var loopThread: PosixThread?

    private struct State {
        var stopped = false
        var udpCount = 0
        var tcpCount = 0
        var queries: [[UInt8]] = []
        var ports: [UInt16] = []
        var connectionThreads: [PosixThread] = []
    }

    /// Pending delayed UDP replies; only the loop thread touches them.
    private var pendingUDP: [(due: UInt64, bytes: [UInt8], peer: PosixSocketAddress)] = []

    init(address: String, port: UInt16, handler: @escaping @Sendable (Request) -> Action) throws {
        self.address = address
        self.handler = handler
        (udpFD, tcpFD, self.port) = try Self.bindPair(address: address, port: port)
        var pipeFDs: [Int32] = [-1, -1]
        guard pipe(&pipeFDs) == 0 else {
            let err = errno
            close(udpFD); close(tcpFD)
            throw SocketError(operation: "pipe", errno: err)
        }
        for fd in pipeFDs { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        (wakeFD, wakeWriteFD) = (pipeFDs[0], pipeFDs[1])
        loopThread = try PosixThread { self.runLoop() }
    }

    var udpQueryCount: Int { state.withLock { $0.udpCount } }
    var tcpQueryCount: Int { state.withLock { $0.tcpCount } }
    var receivedQueries: [[UInt8]] { state.withLock { $0.queries } }
    var receivedFrom: [UInt16] { state.withLock { $0.ports } }

    /// Wakes and joins every thread, then closes every socket. Idempotent.
    func stop() {
        let alreadyStopped = state.withLock { s -> Bool in
            defer { s.stopped = true }
            return s.stopped
        }
        guard !alreadyStopped else { return }
        var one: UInt8 = 1
        _ = write(wakeWriteFD, &one, 1)
        loopThread?.join()
        // The loop has ended, so no new connection threads can appear.
        let threads = state.withLock { $0.connectionThreads }
        for thread in threads { thread.join() }
        close(udpFD)
        close(tcpFD)
        close(wakeFD)
        close(wakeWriteFD)
    }

    // MARK: - Setup

    private static func bindPair(address: String, port: UInt16) throws -> (Int32, Int32, UInt16) {
        // With port 0 the kernel picks a free UDP port that TCP may already
        // use elsewhere: retry a few times.
        var lastError: SocketError?
        for _ in 0..<20 {
            let udp = try openSocket(address: address, port: port, type: Int32(SOCK_DGRAM.rawValue))
            let bound: UInt16
            do { bound = try localPort(udp) } catch { close(udp); throw error }
            do {
                let tcp = try openSocket(address: address, port: bound, type: Int32(SOCK_STREAM.rawValue))
                guard listen(tcp, 128) == 0 else {
                    let err = errno
                    close(tcp)
                    throw SocketError(operation: "listen(\(address):\(bound))", errno: err)
                }
                return (udp, tcp, bound)
            } catch let error as SocketError where error.errno == EADDRINUSE && port == 0 {
                close(udp)
                lastError = error
            } catch {
                close(udp)
                throw error
            }
        }
        throw lastError ?? SocketError(operation: "bind(\(address))", errno: EADDRINUSE)
    }

    private static func openSocket(address: String, port: UInt16, type: Int32) throws(SocketError) -> Int32 {
        let sockaddr = try PosixSocketAddress(address: address, port: port)
        let kind = type == Int32(SOCK_DGRAM.rawValue) ? "udp" : "tcp"
        let fd = socket(sockaddr.family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw SocketError(operation: "socket(\(kind))", errno: errno) }
        var yes: Int32 = 1
        if type == Int32(SOCK_STREAM.rawValue) {
            _ = setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &yes, socklen_t(MemoryLayout<Int32>.size))
        }
        let rc = sockaddr.withSockaddr { bind(fd, $0, $1) }
        guard rc == 0 else {
            let err = errno
            close(fd)
            throw SocketError(operation: "bind(\(address):\(port), \(kind))", errno: err)
        }
        return fd
    }

    private static func localPort(_ fd: Int32) throws(SocketError) -> UInt16 {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let rc = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard rc == 0 else { throw SocketError(operation: "getsockname", errno: errno) }
        return PosixSocketAddress(storage: storage, length: length).port
    }

    // MARK: - Serving

    private func record(_ wire: [UInt8], from peer: PosixSocketAddress, transport: Transport) -> Request {
        state.withLock { s in
            if transport == .udp { s.udpCount += 1 } else { s.tcpCount += 1 }
            s.queries.append(wire)
            s.ports.append(peer.port)
        }
        return Request(wire: wire, transport: transport, query: try? DNSQuery.parse(wire), peer: peer)
    }

    private func runLoop() {
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while true {
            var fds = [
                pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: udpFD, events: Int16(POLLIN), revents: 0),
                pollfd(fd: tcpFD, events: Int16(POLLIN), revents: 0),
            ]
            let timeout = pendingUDP.map { Int32(clamping: (Int64($0.due) - Int64(Self.nowMs())).clamped(0)) }.min() ?? -1
            let n = poll(&fds, nfds_t(fds.count), timeout)
            if n < 0 && errno != EINTR { return }
            if fds[0].revents != 0 { return }
            if fds[1].revents != 0 { drainUDP(&buffer) }
            if fds[2].revents != 0 { acceptConnection() }
            sendDueUDP()
        }
    }

    private func drainUDP(_ buffer: inout [UInt8]) {
        while true {
            var storage = sockaddr_storage()
            var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
            let count = buffer.withUnsafeMutableBytes { buf in
                withUnsafeMutablePointer(to: &storage) {
                    $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                        recvfrom(udpFD, buf.baseAddress, buf.count, Int32(MSG_DONTWAIT), $0, &length)
                    }
                }
            }
            guard count >= 0 else { return }  // EAGAIN: drained
            let peer = PosixSocketAddress(storage: storage, length: length)
            let request = record(Array(buffer[0..<count]), from: peer, transport: .udp)
            switch handler(request) {
            case .reply(let bytes): sendUDP(bytes, to: peer)
            case .replies(let list): for bytes in list { sendUDP(bytes, to: peer) }
            case .delayed(let ms, let bytes): pendingUDP.append((Self.nowMs() + UInt64(max(ms, 0)), bytes, peer))
            case .drop, .closeConnection: break
            }
        }
    }

    private func sendDueUDP() {
        guard !pendingUDP.isEmpty else { return }
        let now = Self.nowMs()
        let due = pendingUDP.filter { $0.due <= now }
        pendingUDP.removeAll { $0.due <= now }
        for item in due { sendUDP(item.bytes, to: item.peer) }
    }

    private func sendUDP(_ bytes: [UInt8], to peer: PosixSocketAddress) {
        _ = bytes.withUnsafeBytes { buf in
            peer.withSockaddr { sendto(udpFD, buf.baseAddress, buf.count, 0, $0, $1) }
        }
    }

    private func acceptConnection() {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let fd = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                accept(tcpFD, $0, &length)
            }
        }
        guard fd >= 0 else { return }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        let peer = PosixSocketAddress(storage: storage, length: length)
        do {
            let thread = try PosixThread { self.serveConnection(fd, peer: peer) }
            state.withLock { $0.connectionThreads.append(thread) }
        } catch {
            close(fd)
        }
    }

    private func serveConnection(_ fd: Int32, peer: PosixSocketAddress) {
        defer { close(fd) }
        while let length = readExactly(fd, 2) {
            let size = Int(length[0]) << 8 | Int(length[1])
            guard let wire = readExactly(fd, size) else { return }
            let request = record(wire, from: peer, transport: .tcp)
            switch handler(request) {
            case .reply(let bytes):
                guard writeFramed(fd, bytes) else { return }
            case .replies(let list):
                for bytes in list { guard writeFramed(fd, bytes) else { return } }
            case .delayed(let ms, let bytes):
                guard !waitForStop(milliseconds: ms), writeFramed(fd, bytes) else { return }
            case .drop:
                continue
            case .closeConnection:
                return
            }
        }
    }

    /// Reads `count` bytes, or nil on EOF, error or stop.
    private func readExactly(_ fd: Int32, _ count: Int) -> [UInt8]? {
        var out = [UInt8](repeating: 0, count: count)
        var got = 0
        while got < count {
            var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: fd, events: Int16(POLLIN), revents: 0)]
            let n = poll(&fds, 2, -1)
            if n < 0 { if errno == EINTR { continue } else { return nil } }
            if fds[0].revents != 0 { return nil }
            let r = out.withUnsafeMutableBytes { read(fd, $0.baseAddress! + got, count - got) }
            if r <= 0 { return nil }
            got += r
        }
        return out
    }

    private func writeFramed(_ fd: Int32, _ bytes: [UInt8]) -> Bool {
        let frame = [UInt8(bytes.count >> 8 & 0xFF), UInt8(bytes.count & 0xFF)] + bytes
        var sent = 0
        while sent < frame.count {
            let w = frame.withUnsafeBytes { send(fd, $0.baseAddress! + sent, frame.count - sent, Int32(MSG_NOSIGNAL)) }
            if w < 0 && errno == EINTR { continue }
            if w <= 0 { return false }
            sent += w
        }
        return true
    }

    /// Sleeps `milliseconds`, returning early (true) when the server stops.
    private func waitForStop(milliseconds: Int) -> Bool {
        var fds = [pollfd(fd: wakeFD, events: Int16(POLLIN), revents: 0)]
        return poll(&fds, 1, Int32(clamping: max(milliseconds, 0))) > 0
    }

    private static func nowMs() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1000 + UInt64(ts.tv_nsec) / 1_000_000
    }
}

private extension Int64 {
    func clamped(_ low: Int64) -> Int64 { Swift.max(self, low) }
}
