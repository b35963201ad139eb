import DNSWire
import NIOCore
import PinholeCore
import Reactor

/// One query's trip upstream: attempts, failover and the deadline.
///
/// Confined to the reactor thread (`context.reactor`): every method runs
/// there, so plain stored properties need no lock; NIO callbacks of TCP
/// attempts hop there first. `completion` is taken (set to nil) exactly
/// once, and every path that ends an attempt closes its socket or channel.
final class UpstreamQuery: ReactorTimer, ReactorReadable, @unchecked Sendable {
    private let context: ForwarderContext
    private let query: DNSQuery
    private let clientTransport: ClientTransport
    private var completion: (@Sendable (Result<UpstreamReply, UpstreamError>) -> Void)?

    /// The current attempt's timeout (kept by the reactor's deadline heap).
    var reactorTimerSlot = ReactorTimerSlot()

    /// End of the whole query's budget, monotonic ns.
    private var totalDeadline: UInt64 = 0
    /// Bumped per attempt; events from an older attempt are ignored.
    private var attempt = 0
    private var serverIndex = 0
    /// When the current attempt was sent (Reactor.now()), for the RTT.
    private var attemptStarted: UInt64 = 0
    private var transport: ClientTransport = .udp
    private var id: UInt16 = 0
    private var socket: UDPSocket?
    private var channel: (any Channel)?
    /// Servers that answered unusably or could not be reached (not retried).
    private var failedServers: [Bool] = []
    /// What happened per attempt, for the error message (failure path only).
    private var notes: [String] = []

    init(
        context: ForwarderContext, query: DNSQuery, clientTransport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    ) {
        self.context = context
        self.query = query
        self.clientTransport = clientTransport
        self.completion = completion
    }

    private var reactor: Reactor { context.reactor }

    /// TCP for TCP clients, else UDP (varlink callers included: a truncated
    /// UDP reply is retried over TCP, so they still get the whole answer).
    private var firstTransport: ClientTransport { clientTransport == .tcp ? .tcp : .udp }

    func start() {
        totalDeadline = Reactor.now() &+ context.totalTimeout
        let count = context.addresses.count
        let preferred = context.preferredServer.load(ordering: .relaxed)
        launch(server: (preferred >= 0 && preferred < count) ? preferred : 0, over: firstTransport)
    }

    // MARK: - Attempts

    private func launch(server: Int, over transport: ClientTransport) {
        attempt += 1
        serverIndex = server
        self.transport = transport
        id = context.queryIDs.next()
        let wire = DNSMessageBuilder.upstreamQuery(
            from: query, id: id, advertisedPayloadSize: context.settings.advertisedPayloadSize)
        attemptStarted = Reactor.now()
        reactor.schedule(self, at: min(attemptStarted &+ context.attemptTimeout, totalDeadline))

        switch transport {
        case .udp, .varlink:
            launchUDP(wire, server: server)
        case .tcp:
            launchTCP(wire, server: server)
        }
    }

    /// A fresh connected socket per attempt: the kernel picks a random
    /// ephemeral port and drops datagrams from any other source.
    private func launchUDP(_ wire: [UInt8], server: Int) {
        let name = context.serverNames[server]
        do {
            let socket = try UDPSocket.connected(to: context.endpoints[server], name: name, mark: context.settings.socketMark)
            self.socket = socket
            try socket.send(wire, name: name)
            try reactor.watch(socket.descriptor, self)
        } catch {
            serverFailed(error.isRefused ? "port unreachable (\(error))" : "\(error)")
        }
    }

    /// TCP goes through NIO (rare: TCP clients and truncated replies); its
    /// events hop back to the reactor.
    private func launchTCP(_ wire: [UInt8], server: Int) {
        let current = attempt
        let lane = context.nextLane()
        let address = context.addresses[server]
        let reactor = self.reactor
        lane.loop.execute {
            lane.bootstraps.value.tcp.connect(to: address).whenComplete { result in
                switch result {
                case .success(let channel):
                    do {
                        try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                        try channel.pipeline.syncOperations.addHandler(
                            TCPReplyHandler(query: self, attempt: current, reactor: reactor))
                    } catch {
                        channel.close(promise: nil)
                        reactor.execute {
                            self.attemptFailed(attempt: current, reason: "cannot set up the TCP channel: \(error)")
                        }
                        return
                    }
                    var buffer = channel.allocator.buffer(capacity: wire.count + 2)
                    buffer.writeInteger(UInt16(wire.count))
                    buffer.writeBytes(wire)
                    channel.writeAndFlush(buffer, promise: nil)
                    reactor.execute { self.tcpConnected(channel, attempt: current) }
                case .failure(let error):
                    reactor.execute { self.attemptFailed(attempt: current, reason: "TCP connect failed: \(error)") }
                }
            }
        }
    }

    private func tcpConnected(_ channel: any Channel, attempt current: Int) {
        guard current == attempt, completion != nil else {
            channel.close(promise: nil)
            return
        }
        self.channel = channel
    }

    // MARK: - Events (reactor thread)

    /// The attempt's UDP socket has datagrams (or an error) waiting (the
    /// reactor forgets the socket when the attempt ends, so it is current).
    func readable() {
        socketReadable(attempt: attempt)
    }

    private func socketReadable(attempt current: Int) {
        while current == attempt, completion != nil, let socket {
            let count: Int?
            do {
                count = try socket.receive(into: context.receiveBuffer, name: context.serverNames[serverIndex])
            } catch {
                // On a connected UDP socket an ICMP port unreachable surfaces here.
                serverFailed(error.isRefused ? "port unreachable (\(error))" : "\(error)")
                return
            }
            guard let count else { return }
            received(UnsafeRawBufferPointer(rebasing: context.receiveBuffer[..<count]))
        }
    }

    /// A framed message from the attempt's TCP connection.
    func tcpReceived(_ reply: ByteBuffer, attempt current: Int) {
        guard current == attempt, completion != nil else { return }
        reply.withUnsafeReadableBytes { received($0) }
    }

    /// A message from the current attempt: ignored unless it matches.
    private func received(_ reply: UnsafeRawBufferPointer) {
        guard ReplyMatcher.matches(reply, id: id, question: query.question) else { return }

        let response: DNSResponse
        do {
            response = try DNSResponse.parse(Array(reply))
        } catch {
            // A datagram that filled the whole buffer was cut by the kernel:
            // the server ignored our advertised size, so ask it over TCP.
            if transport == .udp && reply.count >= context.receiveBuffer.count {
                endAttempt()
                launch(server: serverIndex, over: .tcp)
                return
            }
            serverFailed("unusable reply: \(error)")
            return
        }
        // Belt and braces: the parser's view of the question must agree too.
        guard response.question == query.question else { return }

        if response.truncated && transport == .udp {
            endAttempt()
            launch(server: serverIndex, over: .tcp)
            return
        }
        context.preferredServer.store(serverIndex, ordering: .relaxed)
        context.health.answered(serverIndex, nanoseconds: Reactor.now() &- attemptStarted)
        finish(.success(UpstreamReply(response: response, server: context.serverNames[serverIndex])))
    }

    /// The attempt's connection failed (refused, reset, closed).
    func attemptFailed(attempt current: Int, reason: String) {
        guard current == attempt, completion != nil else { return }
        serverFailed(reason)
    }

    /// The current attempt's deadline passed (called by the reactor, which
    /// has already unscheduled it).
    func timerFired() {
        guard completion != nil else { return }
        notes.append("\(context.serverNames[serverIndex]) over \(transport): no reply in time")
        context.health.timedOut(serverIndex, reason: "no reply in time over \(transport)")
        endAttempt()
        if Reactor.now() >= totalDeadline {
            finish(.failure(UpstreamError(.timeout, "upstream timed out: " + notes.joined(separator: "; "))))
            return
        }
        // Servers that only timed out are tried again in turn while time remains.
        guard let next = nextServer(after: serverIndex) else {
            finish(.failure(UpstreamError(.failed, "every upstream failed: " + notes.joined(separator: "; "))))
            return
        }
        launch(server: next, over: firstTransport)
    }

    /// The reactor is stopping: fail now.
    func reactorStopped() {
        notes.append("the forwarder was shut down")
        finish(.failure(UpstreamError(.failed, "upstream query abandoned: " + notes.joined(separator: "; "))))
    }

    private func serverFailed(_ reason: String) {
        context.health.failed(serverIndex, reason: "\(reason) (over \(transport))")
        notes.append("\(context.serverNames[serverIndex]) over \(transport): \(reason)")
        if failedServers.isEmpty { failedServers = Array(repeating: false, count: context.addresses.count) }
        failedServers[serverIndex] = true
        endAttempt()
        guard let next = nextServer(after: serverIndex) else {
            finish(.failure(UpstreamError(.failed, "every upstream failed: " + notes.joined(separator: "; "))))
            return
        }
        launch(server: next, over: firstTransport)
    }

    /// The next server after `index` (wrapping, itself last) that has not failed.
    private func nextServer(after index: Int) -> Int? {
        let count = context.addresses.count
        for step in 1...count {
            let candidate = (index + step) % count
            if failedServers.isEmpty || !failedServers[candidate] { return candidate }
        }
        return nil
    }

    /// Cancels the attempt's timer and closes its socket or channel.
    private func endAttempt() {
        // Bump first: a closing channel's events must already look stale.
        attempt += 1
        reactor.cancelTimer(self)
        if let socket {
            context.closer.close(socket)
            self.socket = nil
        }
        let closing = channel
        channel = nil
        closing?.close(promise: nil)
    }

    private func finish(_ result: Result<UpstreamReply, UpstreamError>) {
        guard let completion else { return }
        self.completion = nil
        context.outstanding.wrappingSubtract(1, ordering: .relaxed)
        // Answer first: the attempt's clean-up is not on the client's path.
        completion(result)
        endAttempt()
    }
}
