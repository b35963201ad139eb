import DNSWire
import Glibc
import Logging
import PinholeCore
import Reactor

/// Answers DNS over UDP on one listening socket, on the reactor thread that
/// also runs the upstream queries: no thread hop between a client's query
/// and its trip upstream.
///
/// Each wake-up reads a batch of queries with one `recvmmsg`; the replies
/// produced meanwhile (cache hits, errors) go out together with one
/// `sendmmsg`. Replies that come later, from an upstream, are queued too
/// and sent together once the reactor has handled its current round of
/// events (`runAfterEvents`); those completing on another thread (TCP
/// upstream replies complete on NIO's) hop to the reactor first.
///
/// Confined to the reactor thread but for `bind` and `close`;
/// `@unchecked Sendable` rests on that.
final class UDPListener: ReactorReadable, ReactorDeferredWork, @unchecked Sendable {
    /// Queries read per `recvmmsg`, and bytes kept per query (a longer one
    /// is dropped: no client sends queries that long).
    static let batchSize = 32
    static let maxQuerySize = 4096
    /// Batches read per wake-up before upstream replies get their turn.
    static let batchesPerWakeup = 4
    /// Kernel receive buffer: absorbs bursts while a batch is handled.
    static let receiveBufferSize: Int32 = 4 << 20

    let name: String
    /// The bound address, for finding client sockets; nil for a wildcard.
    private let local: ClientEndpoint?
    private let socket: UDPSocket
    private let reactor: Reactor
    private let pipeline: any QueryHandler
    private let maxOutstandingPerClient: Int
    private let logger: Logger
    private let received: ReceivedDatagrams
    private let outgoing: OutgoingDatagrams
    /// Queries waiting for an upstream, per client socket (address and port):
    /// on a stub resolver every client shares 127.0.0.1, so the address alone
    /// would make all local programs one client.
    private var outstanding: [ClientEndpoint: Int] = [:]
    /// Set while the pipeline runs for a query just read; a result delivered
    /// then (a cache hit) joins the batch's replies, with no outstanding bookkeeping.
    private var handlingSynchronously = false
    private var closed = false
    /// The reactor will call `runAfterEvents` at the end of this round.
    private var flushRequested = false

    private init(
        socket: UDPSocket, name: String, local: ClientEndpoint?, reactor: Reactor, pipeline: any QueryHandler, maxOutstandingPerClient: Int,
        logger: Logger
    ) {
        self.socket = socket
        self.name = name
        self.local = local
        self.reactor = reactor
        self.pipeline = pipeline
        self.maxOutstandingPerClient = maxOutstandingPerClient
        self.logger = logger
        received = ReceivedDatagrams(capacity: Self.batchSize, messageSize: Self.maxQuerySize)
        outgoing = OutgoingDatagrams(socket: socket, name: name, capacity: Self.batchSize)
    }

    /// Binds `listen` and starts answering on `reactor`.
    /// - Throws: `StartupError.bind` (carrying the `SystemCallError`) when
    ///   the address cannot be bound.
    static func bind(
        _ listen: SocketAddressText, settings: ListenerSettings, pipeline: any QueryHandler, reactor: Reactor,
        logger: Logger
    ) async throws -> UDPListener {
        let name = listen.description
        func failure(_ error: SystemCallError) -> StartupError {
            StartupError.bind(address: listen, transport: .udp, error: error, configPath: settings.configPath)
        }
        guard let address = RawSocketAddress(numericHost: listen.host, port: listen.port) else {
            throw failure(SystemCallError(call: "inet_pton", target: "listen address \(name)", errno: EINVAL))
        }
        let socket: UDPSocket
        do throws(SystemCallError) {
            socket = try UDPSocket.bound(to: address, receiveBufferSize: receiveBufferSize, name: name)
        } catch {
            throw failure(error)
        }
        let listener = UDPListener(
            socket: socket, name: name, local: listen.specificEndpoint, reactor: reactor, pipeline: pipeline,
            maxOutstandingPerClient: settings.maxOutstandingPerClient, logger: logger)
        let watchError = await withCheckedContinuation { (continuation: CheckedContinuation<SystemCallError?, Never>) in
            let accepted = reactor.execute {
                do throws(SystemCallError) {
                    try reactor.watch(socket.descriptor, listener)
                    continuation.resume(returning: nil)
                } catch {
                    continuation.resume(returning: error)
                }
            }
            if !accepted {
                continuation.resume(
                    returning: SystemCallError(call: "epoll_ctl ADD", target: "UDP listener \(name)", errno: ESHUTDOWN))
            }
        }
        if let watchError {
            socket.close()
            throw failure(watchError)
        }
        return listener
    }

    /// Stops answering and closes the socket (on the reactor thread, so no
    /// read is in progress; directly when the reactor has stopped).
    func close() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let accepted = reactor.execute {
                self.closeNow()
                continuation.resume()
            }
            if !accepted {
                closeNow()
                continuation.resume()
            }
        }
    }

    private func closeNow() {
        guard !closed else { return }
        if reactor.isCurrentThread {
            flush()
            reactor.unwatch(socket.descriptor)
        }
        closed = true
        socket.close()
    }

    // MARK: - Reactor thread

    func readable() {
        for _ in 0..<Self.batchesPerWakeup {
            let count: Int
            do {
                count = try received.receive(from: socket, name: name)
            } catch {
                // ICMP errors and the like; never fatal for a listener.
                logger.debug("UDP socket error", metadata: ["listener": "\(name)", "error": "\(error)"])
                return
            }
            for index in 0..<count { handleDatagram(index) }
            flush()
            if count < received.capacity { return }
        }
    }

    func runAfterEvents() {
        flushRequested = false
        flush()
    }

    private func flush() {
        guard !closed else { return }
        if outgoing.flush() > 0 {
            logger.debug("UDP replies dropped", metadata: ["error": "\(outgoing.lastError.map { "\($0)" } ?? "?")"])
        }
    }

    private func handleDatagram(_ index: Int) {
        let sender = received.sender(at: index)
        guard let client = ClientEndpoint(sockaddr: sender.address) else { return }
        guard !received.isTruncated(at: index) else {
            logger.debug("dropped UDP message", metadata: ["client": "\(client)", "reason": "longer than \(Self.maxQuerySize) bytes"])
            return
        }
        let remote = RawSocketAddress(copying: sender.address, length: sender.length)
        let bytes = Array(received.message(at: index))

        switch QueryFrontend.decide(bytes, transport: .udp, client: client, local: local) {
        case .drop(let reason):
            logger.debug("dropped UDP message", metadata: ["client": "\(client)", "reason": "\(reason)"])
        case .respond(let reply, let reason):
            logger.debug("rejected UDP query", metadata: ["client": "\(client)", "reason": "\(reason)"])
            outgoing.append(reply, to: remote)
        case .resolve(let request):
            resolve(request, client: client, remote: remote)
        }
    }

    private func resolve(_ request: QueryRequest, client: ClientEndpoint, remote: RawSocketAddress) {
        let waiting = outstanding.isEmpty ? 0 : outstanding[client, default: 0]
        guard waiting < maxOutstandingPerClient else {
            // Refuse rather than queue: a client this far ahead is flooding.
            outgoing.append(DNSMessageBuilder.errorReply(to: request.query, rcode: DNSRcode.refused), to: remote)
            return
        }
        let limit = request.query.maxUDPReplySize
        handlingSynchronously = true
        pipeline.handle(request) { result in
            guard self.reactor.isCurrentThread else {
                self.reactor.execute { self.finish(result, client: client, to: remote, limit: limit) }
                return
            }
            if self.handlingSynchronously {
                self.handlingSynchronously = false
                self.outgoing.append(DNSMessageBuilder.fitForUDP(result.wire, limit: limit), to: remote)
                return
            }
            self.finish(result, client: client, to: remote, limit: limit)
        }
        // Still set: no synchronous answer, so one is coming from upstream.
        if handlingSynchronously {
            handlingSynchronously = false
            outstanding[client] = waiting + 1
        }
    }

    /// A reply that completed after its read batch: queued, and sent with
    /// the others of this reactor round.
    private func finish(_ result: QueryResult, client: ClientEndpoint, to remote: RawSocketAddress, limit: Int) {
        if let waiting = outstanding[client] {
            if waiting <= 1 { outstanding[client] = nil } else { outstanding[client] = waiting - 1 }
        }
        guard !closed else { return }
        outgoing.append(DNSMessageBuilder.fitForUDP(result.wire, limit: limit), to: remote)
        if !flushRequested {
            flushRequested = true
            reactor.runAfterEvents(self)
        }
    }
}
