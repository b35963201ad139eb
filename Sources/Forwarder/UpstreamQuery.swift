import DNSWire
import NIOCore
import PinholeCore

/// One query's trip upstream: attempts, failover and the deadline.
///
/// Confined to `lane.loop`: every method runs there, so plain stored
/// properties need no lock. `completion` is taken (set to nil) exactly once,
/// and every path that ends an attempt closes its channel.
final class UpstreamQuery: @unchecked Sendable {
    private let forwarder: Forwarder
    private let lane: Forwarder.Lane
    private let query: DNSQuery
    private let clientTransport: ClientTransport
    private var completion: (@Sendable (Result<UpstreamReply, UpstreamError>) -> Void)?

    private var deadline = NIODeadline.uptimeNanoseconds(0)
    /// Bumped per attempt; events from an older attempt's channel are ignored.
    private var attempt = 0
    private var serverIndex = 0
    private var transport: ClientTransport = .udp
    private var id: UInt16 = 0
    private var channel: (any Channel)?
    private var timer: Scheduled<Void>?
    /// Servers that answered unusably or could not be reached (not retried).
    private var failedServers: [Bool] = []
    /// What happened per attempt, for the error message (failure path only).
    private var notes: [String] = []

    init(
        forwarder: Forwarder, lane: Forwarder.Lane, query: DNSQuery, clientTransport: ClientTransport,
        completion: @escaping @Sendable (Result<UpstreamReply, UpstreamError>) -> Void
    ) {
        self.forwarder = forwarder
        self.lane = lane
        self.query = query
        self.clientTransport = clientTransport
        self.completion = completion
    }

    func start() {
        deadline = .now() + forwarder.settings.totalTimeout
        let count = forwarder.addresses.count
        let preferred = forwarder.preferredServer.load(ordering: .relaxed)
        launch(server: (preferred >= 0 && preferred < count) ? preferred : 0, over: clientTransport)
    }

    // MARK: - Attempts

    private func launch(server: Int, over transport: ClientTransport) {
        attempt += 1
        serverIndex = server
        self.transport = transport
        var rng = SystemRandomNumberGenerator()
        id = UInt16(truncatingIfNeeded: rng.next())
        let wire = DNSMessageBuilder.upstreamQuery(
            from: query, id: id, advertisedPayloadSize: forwarder.settings.advertisedPayloadSize)

        let current = attempt
        let attemptEnd = min(NIODeadline.now() + forwarder.settings.attemptTimeout, deadline)
        timer = lane.loop.scheduleTask(deadline: attemptEnd) { self.attemptTimedOut(attempt: current) }

        let address = forwarder.addresses[server]
        switch transport {
        case .udp:
            // A connected socket per attempt: the kernel picks a random
            // ephemeral port and drops datagrams from any other source.
            lane.bootstraps.value.udp.connect(to: address).whenComplete { result in
                self.connected(result, attempt: current) { channel in
                    try channel.pipeline.syncOperations.addHandler(UDPReplyHandler(query: self, attempt: current))
                    channel.writeAndFlush(ByteBuffer(bytes: wire), promise: nil)
                }
            }
        case .tcp:
            lane.bootstraps.value.tcp.connect(to: address).whenComplete { result in
                self.connected(result, attempt: current) { channel in
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(TCPFrameDecoder()))
                    try channel.pipeline.syncOperations.addHandler(TCPReplyHandler(query: self, attempt: current))
                    var buffer = channel.allocator.buffer(capacity: wire.count + 2)
                    buffer.writeInteger(UInt16(wire.count))
                    buffer.writeBytes(wire)
                    channel.writeAndFlush(buffer, promise: nil)
                }
            }
        }
    }

    private func connected(
        _ result: Result<any Channel, any Error>, attempt current: Int, send: (any Channel) throws -> Void
    ) {
        switch result {
        case .success(let channel):
            guard current == attempt, completion != nil else {
                channel.close(promise: nil)
                return
            }
            self.channel = channel
            do {
                try send(channel)
            } catch {
                attemptFailed(attempt: current, reason: "cannot set up the channel: \(error)")
            }
        case .failure(let error):
            attemptFailed(attempt: current, reason: "\(transport) connect failed: \(error)")
        }
    }

    /// A message from the attempt's channel: ignored unless it matches.
    func received(_ reply: ByteBuffer, from source: SocketAddress?, attempt current: Int) {
        guard current == attempt, completion != nil else { return }
        if let source, source != forwarder.addresses[serverIndex] { return }
        guard ReplyMatcher.matches(reply, id: id, question: query.question) else { return }

        let response: DNSResponse
        do {
            response = try DNSResponse.parse(Array(reply.readableBytesView))
        } catch {
            // A datagram that filled the whole buffer was cut by the kernel:
            // the server ignored our advertised size, so ask it over TCP.
            if transport == .udp && reply.readableBytes >= Forwarder.udpReceiveCapacity {
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
        forwarder.preferredServer.store(serverIndex, ordering: .relaxed)
        finish(.success(UpstreamReply(response: response, server: forwarder.serverNames[serverIndex])))
    }

    /// The attempt's channel failed (refused, reset, closed).
    func attemptFailed(attempt current: Int, reason: String) {
        guard current == attempt, completion != nil else { return }
        serverFailed(reason)
    }

    private func attemptTimedOut(attempt current: Int) {
        guard current == attempt, completion != nil else { return }
        timer = nil
        notes.append("\(forwarder.serverNames[serverIndex]) over \(transport): no reply in time")
        endAttempt()
        if NIODeadline.now() >= deadline {
            finish(.failure(UpstreamError(.timeout, "upstream timed out: " + notes.joined(separator: "; "))))
            return
        }
        // Servers that only timed out are tried again in turn while time remains.
        guard let next = nextServer(after: serverIndex) else {
            finish(.failure(UpstreamError(.failed, "every upstream failed: " + notes.joined(separator: "; "))))
            return
        }
        launch(server: next, over: clientTransport)
    }

    private func serverFailed(_ reason: String) {
        notes.append("\(forwarder.serverNames[serverIndex]) over \(transport): \(reason)")
        if failedServers.isEmpty { failedServers = Array(repeating: false, count: forwarder.addresses.count) }
        failedServers[serverIndex] = true
        endAttempt()
        guard let next = nextServer(after: serverIndex) else {
            finish(.failure(UpstreamError(.failed, "every upstream failed: " + notes.joined(separator: "; "))))
            return
        }
        launch(server: next, over: clientTransport)
    }

    /// The next server after `index` (wrapping, itself last) that has not failed.
    private func nextServer(after index: Int) -> Int? {
        let count = forwarder.addresses.count
        for step in 1...count {
            let candidate = (index + step) % count
            if failedServers.isEmpty || !failedServers[candidate] { return candidate }
        }
        return nil
    }

    /// Cancels the attempt's timer and closes its channel.
    private func endAttempt() {
        // Bump first: closing fires channelInactive synchronously, and that
        // event must already look stale.
        attempt += 1
        timer?.cancel()
        timer = nil
        let closing = channel
        channel = nil
        closing?.close(promise: nil)
    }

    private func finish(_ result: Result<UpstreamReply, UpstreamError>) {
        guard let completion else { return }
        self.completion = nil
        endAttempt()
        forwarder.outstanding.wrappingSubtract(1, ordering: .relaxed)
        completion(result)
    }
}
