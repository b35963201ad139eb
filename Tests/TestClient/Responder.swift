#if canImport(Glibc)
import Glibc
#endif

/// `--serve`: a tiny DNS server on UDP and TCP at one address that answers
/// every query (see `DNSMessage.answer`), until it is killed. Enough for an
/// upstream inside a test's private network namespace.
struct Responder {
    let endpoint: Endpoint

    func run() throws(ClientError) -> Never {
        let udp = try listen(type: Int32(SOCK_DGRAM.rawValue))
        let tcp = try listen(type: Int32(SOCK_STREAM.rawValue))
        guard Glibc.listen(tcp, 64) == 0 else { throw .posix("listen(\(endpoint.text))") }
        EventLine("listening").with("local", endpoint.text).emit()
        var connections: [Int32: [UInt8]] = [:]
        while true {
            var fds = [pollfd(fd: udp, events: Int16(POLLIN), revents: 0), pollfd(fd: tcp, events: Int16(POLLIN), revents: 0)]
            fds += connections.keys.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            guard poll(&fds, nfds_t(fds.count), -1) >= 0 || errno == EINTR else { throw .posix("poll") }
            for entry in fds where entry.revents != 0 {
                if entry.fd == udp {
                    serveDatagram(udp)
                } else if entry.fd == tcp {
                    let client = accept(tcp, nil, nil)
                    if client >= 0 { connections[client] = [] }
                } else if !serveStream(entry.fd, buffer: &connections[entry.fd, default: []]) {
                    close(entry.fd)
                    connections[entry.fd] = nil
                }
            }
        }
    }

    private func listen(type: Int32) throws(ClientError) -> Int32 {
        let fd = socket(endpoint.family, type | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw .posix("socket") }
        var on: Int32 = 1
        setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &on, socklen_t(MemoryLayout<Int32>.size))
        guard endpoint.withSockaddr({ bind(fd, $0, $1) }) == 0 else { throw .posix("bind(\(endpoint.text))") }
        return fd
    }

    private func serveDatagram(_ fd: Int32) {
        var buffer = [UInt8](repeating: 0, count: 65535)
        var peer = sockaddr_storage()
        var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let n = buffer.withUnsafeMutableBytes { raw in
            withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { recvfrom(fd, raw.baseAddress, raw.count, 0, $0, &peerLength) }
            }
        }
        guard n > 0 else { return }
        let query = Array(buffer.prefix(n))
        guard let reply = DNSMessage.answer(to: query) else { return }
        let from = Endpoint(storage: peer, length: peerLength)
        _ = reply.withUnsafeBytes { raw in from.withSockaddr { sendto(fd, raw.baseAddress, raw.count, 0, $0, $1) } }
        report(query, transport: "udp", peer: from)
    }

    /// Reads what arrived and answers every complete message; false on EOF.
    private func serveStream(_ fd: Int32, buffer: inout [UInt8]) -> Bool {
        var chunk = [UInt8](repeating: 0, count: 65535)
        let n = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
        guard n > 0 else { return false }
        buffer += chunk.prefix(n)
        while buffer.count >= 2 {
            let length = Int(buffer[0]) << 8 | Int(buffer[1])
            guard buffer.count >= 2 + length else { break }
            let query = Array(buffer[2..<(2 + length)])
            buffer.removeFirst(2 + length)
            guard let reply = DNSMessage.answer(to: query) else { continue }
            let framed = [UInt8(reply.count >> 8), UInt8(reply.count & 0xFF)] + reply
            _ = framed.withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            var peer = sockaddr_storage()
            var peerLength = socklen_t(MemoryLayout<sockaddr_storage>.size)
            _ = withUnsafeMutablePointer(to: &peer) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &peerLength) }
            }
            report(query, transport: "tcp", peer: Endpoint(storage: peer, length: peerLength))
        }
        return true
    }

    private func report(_ query: [UInt8], transport: String, peer: Endpoint) {
        let id = DNSMessage.header(of: query).map { Int($0.id) } ?? -1
        EventLine("served").with("transport", transport).with("peer", peer.text).with("id", id).emit()
    }
}
