import BenchSupport
import Attribution
import Glibc
import PinholeCore

/// `sockdiag`: SockDiag.owner alone, on connected UDP client sockets of the
/// bench itself: exact lookups (the listener's address known), then dumps
/// filtered by port (a wildcard listener, `local` nil).
struct SockDiagScenario {
    var exactCount: Int
    var dumpCount: Int
    var sockets = 16

    func run(server: LoopbackServer) throws -> [Measurement] {
        let diag: SockDiag
        do { diag = try SockDiag() } catch { throw BenchError("opening sock_diag: \(error)") }
        var clients: [(fd: Int32, source: ClientEndpoint, inode: UInt64)] = []
        defer { clients.forEach { close($0.fd) } }
        for _ in 0..<sockets {
            let fd = try LoopbackServer.bound(SOCK_DGRAM)
            var info = stat()
            guard fstat(fd, &info) == 0 else { throw BenchError.errno("fstat of a client socket", errno) }
            try Self.connect(fd, to: server.udpEndpoint)
            guard send(fd, "s", 1, 0) == 1 else { throw BenchError.errno("send from a client socket", errno) }
            clients.append((fd, try server.receive().source, UInt64(info.st_ino)))
        }

        var exact = Measurement(
            name: "sockdiag exact", detail: "SockDiag.owner, exact lookup, \(sockets) connected UDP sockets of the bench, round-robin",
            capacity: exactCount)
        var dump = Measurement(
            name: "sockdiag dump", detail: "SockDiag.owner, port-filtered dump (listener address unknown), same sockets",
            capacity: dumpCount)
        for (count, local) in [(exactCount, true), (dumpCount, false)] {
            var measurement = local ? exact : dump
            for index in 0..<count {
                let client = clients[index % clients.count]
                let request = AttributionRequest(transport: .udp, client: client.source, local: local ? server.udpEndpoint : nil)
                let start = BenchClock.now()
                let result = diag.owner(of: request)
                measurement.add(BenchClock.now() - start)
                if case .found(let owner) = result, owner.inode == client.inode { continue }
                measurement.wrong += 1
            }
            measurement.finish()
            if local { exact = measurement } else { dump = measurement }
        }
        let statistics = diag.statistics
        if statistics.exactHits != exactCount { exact.notes.append("\(statistics.exactHits) exact hits of \(exactCount)") }
        return [exact, dump]
    }

    /// Connects `fd` to `endpoint` (IPv4).
    static func connect(_ fd: Int32, to endpoint: ClientEndpoint) throws {
        guard case .v4(let ip) = endpoint.ip else { throw BenchError("the bench server is IPv4 only, not \(endpoint)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = ip.bigEndian
        address.sin_port = UInt16(endpoint.port).bigEndian
        let done = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard done == 0 else { throw BenchError.errno("connect to \(endpoint)", errno) }
    }
}
