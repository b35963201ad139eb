import Attribution
import Dispatch
import Glibc
import PinholeCore
import Synchronization
import Testing
import TestSupport

/// sock_diag lookups of real client sockets on loopback, in the test
/// process's own network namespace: each found socket must be the client's
/// (inode from fstat), with this process's uid and cgroup v2 id. The
/// statistics show which path answered, proving the tuple order of the
/// exact request for each protocol and family.
@Suite struct SockDiagTests {
    let diag: SockDiag
    let cgroupID: UInt64

    init() throws {
        diag = try SockDiag()
        cgroupID = try OwnCgroup.id()
    }

    // MARK: UDP

    @Test(arguments: ["127.0.0.1", "::1"])
    func udpConnectedClientIsFoundExactly(address: String) throws {
        let server = try DiagTestSocket(bound: address, type: SOCK_DGRAM)
        let client = try DiagTestSocket(family: try server.localAddress().family, type: SOCK_DGRAM)
        try client.connect(to: try server.localAddress())
        try client.send()
        let request = AttributionRequest(transport: .udp, client: try server.receiveFrom().endpoint, local: try server.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    @Test(arguments: ["127.0.0.1", "::1"])
    func udpUnconnectedClientIsFoundExactly(address: String) throws {
        let server = try DiagTestSocket(bound: address, type: SOCK_DGRAM)
        let client = try DiagTestSocket(family: try server.localAddress().family, type: SOCK_DGRAM)
        try client.send(to: try server.localAddress())
        let request = AttributionRequest(transport: .udp, client: try server.receiveFrom().endpoint, local: try server.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    /// A dual-stack IPv6 client sending to an IPv4 server: the server sees a
    /// plain IPv4 peer, the client's socket is AF_INET6 with a mapped address.
    @Test(arguments: [true, false])
    func udpDualStackClientOfIPv4ServerIsFound(connected: Bool) throws {
        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        let mapped = try PosixSocketAddress(address: "::ffff:127.0.0.1", port: try server.localAddress().port)
        let client = try DiagTestSocket(family: AF_INET6, type: SOCK_DGRAM, dualStack: true)
        if connected {
            try client.connect(to: mapped)
            try client.send()
        } else {
            try client.send(to: mapped)
        }
        let source = try server.receiveFrom()
        #expect(source.family == AF_INET)
        let request = AttributionRequest(transport: .udp, client: source.endpoint, local: try server.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    /// pinholed on a dual-stack IPv6 socket sees an IPv4 client as ::ffff:a.b.c.d.
    @Test func udpIPv4ClientOfMappedServerAddressIsFound() throws {
        let server = try DiagTestSocket(family: AF_INET6, type: SOCK_DGRAM, dualStack: true)
        let mappedLocal = try PosixSocketAddress(address: "::ffff:127.0.0.1", port: 0)
        #expect(mappedLocal.withSockaddr { bind(server.fd, $0, $1) } == 0)
        let client = try DiagTestSocket(family: AF_INET, type: SOCK_DGRAM)
        try client.send(to: try PosixSocketAddress(address: "127.0.0.1", port: try server.localAddress().port))
        let source = try server.receiveFrom()
        #expect(source.address == "::ffff:127.0.0.1")
        let request = AttributionRequest(transport: .udp, client: source.endpoint, local: try server.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    /// A listener on a wildcard address has no `local`: the dump answers.
    @Test(arguments: ["0.0.0.0", "::"])
    func udpClientOfWildcardListenerIsFoundByDump(wildcard: String) throws {
        let server = try DiagTestSocket(bound: wildcard, type: SOCK_DGRAM)
        let loopback = wildcard == "::" ? "::1" : "127.0.0.1"
        let serverAddress = try PosixSocketAddress(address: loopback, port: try server.localAddress().port)
        let client = try DiagTestSocket(family: serverAddress.family, type: SOCK_DGRAM)
        try client.connect(to: serverAddress)
        try client.send()
        let request = AttributionRequest(transport: .udp, client: try server.receiveFrom().endpoint, local: nil)

        try expectFound(request, is: client, path: .dump)
    }

    /// A nat redirect rewrote the destination: the client socket is connected
    /// to 127.0.0.77:5353, not to the listener. The exact lookup by the
    /// listener's address misses, the dump finds it; the original
    /// destination, when known, makes the exact lookup hit.
    @Test func redirectedUDPClientIsFound() throws {
        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        let client = try DiagTestSocket(family: AF_INET, type: SOCK_DGRAM)
        let original = try PosixSocketAddress(address: "127.0.0.77", port: 5353)
        try client.connect(to: original)
        let clientAddress = try client.localAddress()

        let redirected = AttributionRequest(transport: .udp, client: clientAddress.endpoint, local: try server.localAddress().endpoint)
        try expectFound(redirected, is: client, path: .dump)

        let withOriginal = AttributionRequest(
            transport: .udp, client: clientAddress.endpoint, local: try server.localAddress().endpoint,
            originalDestination: original.endpoint)
        try expectFound(withOriginal, is: client, path: .exact)
    }

    @Test func closedUDPClientIsNotFound() throws {
        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        let client = try DiagTestSocket(family: AF_INET, type: SOCK_DGRAM)
        try client.connect(to: try server.localAddress())
        try client.send()
        let request = AttributionRequest(transport: .udp, client: try server.receiveFrom().endpoint, local: try server.localAddress().endpoint)
        try expectFound(request, is: client, path: .exact)

        client.close()
        #expect(diag.owner(of: request) == .notFound)
    }

    @Test(arguments: [ClientTransport.udp, .tcp])
    func unusedPortIsNotFound(transport: ClientTransport) throws {
        // A port that was free a moment ago: bind, note it, close.
        let probe = try DiagTestSocket(bound: "127.0.0.1", type: transport == .udp ? SOCK_DGRAM : SOCK_STREAM)
        let port = try probe.localAddress().port
        probe.close()
        let request = AttributionRequest(
            transport: transport, client: ClientEndpoint(address: "127.0.0.1", port: Int(port)),
            local: ClientEndpoint(address: "127.0.0.1", port: 53))

        let before = diag.statistics
        #expect(diag.owner(of: request) == .notFound)
        #expect(diag.statistics.notFound == before.notFound + 1)
    }

    // MARK: TCP

    @Test(arguments: ["127.0.0.1", "::1"])
    func tcpClientIsFoundExactly(address: String) throws {
        let listener = try DiagTestSocket(bound: address, type: SOCK_STREAM)
        let client = try DiagTestSocket(family: try listener.localAddress().family, type: SOCK_STREAM)
        try client.connect(to: try listener.localAddress())
        let (connection, peer) = try listener.accept()
        let request = AttributionRequest(transport: .tcp, client: peer.endpoint, local: try connection.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    @Test func tcpDualStackClientOfIPv4ServerIsFound() throws {
        let listener = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_STREAM)
        let client = try DiagTestSocket(family: AF_INET6, type: SOCK_STREAM, dualStack: true)
        try client.connect(to: try PosixSocketAddress(address: "::ffff:127.0.0.1", port: try listener.localAddress().port))
        let (connection, peer) = try listener.accept()
        #expect(peer.family == AF_INET)
        let request = AttributionRequest(transport: .tcp, client: peer.endpoint, local: try connection.localAddress().endpoint)

        try expectFound(request, is: client, path: .exact)
    }

    @Test func tcpClientOfWildcardListenerIsFoundByDump() throws {
        let listener = try DiagTestSocket(bound: "0.0.0.0", type: SOCK_STREAM)
        let client = try DiagTestSocket(family: AF_INET, type: SOCK_STREAM)
        try client.connect(to: try PosixSocketAddress(address: "127.0.0.1", port: try listener.localAddress().port))
        let (_, peer) = try listener.accept()
        let request = AttributionRequest(transport: .tcp, client: peer.endpoint, local: nil)

        try expectFound(request, is: client, path: .dump)
    }

    /// A client that closed after sending leaves an orphan (FIN_WAIT) that no
    /// file holds: found with inode 0, its uid and cgroup still shown. One
    /// that reset its connection is gone.
    @Test func closedTCPClient() throws {
        let listener = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_STREAM)
        let orphaned = try DiagTestSocket(family: AF_INET, type: SOCK_STREAM)
        try orphaned.connect(to: try listener.localAddress())
        let (orphanedConnection, orphanedPeer) = try listener.accept()
        orphaned.close()
        let orphanRequest = AttributionRequest(transport: .tcp, client: orphanedPeer.endpoint, local: try orphanedConnection.localAddress().endpoint)
        #expect(diag.owner(of: orphanRequest) == .found(SocketOwner(uid: getuid(), inode: 0, cgroupID: cgroupID)))

        let reset = try DiagTestSocket(family: AF_INET, type: SOCK_STREAM)
        try reset.connect(to: try listener.localAddress())
        let (resetConnection, resetPeer) = try listener.accept()
        try reset.resetOnClose()
        reset.close()
        let resetRequest = AttributionRequest(transport: .tcp, client: resetPeer.endpoint, local: try resetConnection.localAddress().endpoint)
        #expect(diag.owner(of: resetRequest) == .notFound)
    }

    // MARK: Threads

    /// Lookups from several threads at once (the reactor's and NIO's) share
    /// one netlink socket: each must get its own reply, never another's.
    @Test func concurrentLookupsEachGetTheirOwnSocket() throws {
        let server = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_DGRAM)
        var clients: [(request: AttributionRequest, inode: UInt64)] = []
        var sockets: [DiagTestSocket] = []
        for index in 0..<8 {
            let client = try DiagTestSocket(family: AF_INET, type: index.isMultiple(of: 2) ? SOCK_DGRAM : SOCK_STREAM)
            sockets.append(client)
            if index.isMultiple(of: 2) {
                try client.connect(to: try server.localAddress())
                try client.send()
                let request = AttributionRequest(transport: .udp, client: try server.receiveFrom().endpoint, local: try server.localAddress().endpoint)
                clients.append((request, try client.inode()))
            } else {
                let listener = try DiagTestSocket(bound: "127.0.0.1", type: SOCK_STREAM)
                try client.connect(to: try listener.localAddress())
                let (connection, peer) = try listener.accept()
                sockets += [listener, connection]
                // Every other TCP client through the dump, so both paths interleave.
                let local = index % 4 == 1 ? try connection.localAddress().endpoint : nil
                clients.append((AttributionRequest(transport: .tcp, client: peer.endpoint, local: local), try client.inode()))
            }
        }
        let wrong = Mutex(0)
        let diag = self.diag
        let expected = clients
        DispatchQueue.concurrentPerform(iterations: 8) { thread in
            for round in 0..<250 {
                let (request, inode) = expected[(thread + round) % expected.count]
                guard case .found(let owner) = diag.owner(of: request), owner.inode == inode else {
                    wrong.withLock { $0 += 1 }
                    continue
                }
            }
        }
        #expect(wrong.withLock { $0 } == 0)
        #expect(diag.statistics.exactHits + diag.statistics.dumps == 2000)
    }

    // MARK: Helpers

    enum Path { case exact, dump }

    /// Looks `request` up and expects `client`'s socket, answered by `path`.
    private func expectFound(_ request: AttributionRequest, is client: DiagTestSocket, path: Path, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = diag.statistics
        let result = diag.owner(of: request)
        guard case .found(let owner) = result else {
            Issue.record("\(request.transport) \(request.client) → \(String(describing: request.local)): \(result)", sourceLocation: sourceLocation)
            return
        }
        #expect(owner.inode == (try client.inode()), sourceLocation: sourceLocation)
        #expect(owner.uid == getuid(), sourceLocation: sourceLocation)
        #expect(owner.cgroupID == cgroupID, sourceLocation: sourceLocation)
        let after = diag.statistics
        switch path {
        case .exact:
            #expect(after.exactHits == before.exactHits + 1 && after.dumps == before.dumps, "expected the exact lookup to answer", sourceLocation: sourceLocation)
        case .dump:
            #expect(after.exactHits == before.exactHits && after.dumps == before.dumps + 1, "expected the dump to answer", sourceLocation: sourceLocation)
        }
    }
}
