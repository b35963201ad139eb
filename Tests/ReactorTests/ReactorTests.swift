import Glibc
import Reactor
import Synchronization
import Testing

/// The reactor as an event loop: tasks, timers, readable descriptors, deferred work.
@Suite("Reactor", .timeLimit(.minutes(1)))
struct ReactorTests {
    @Test("execute runs tasks in order on the reactor thread; none after shutdown")
    func executeRunsOnTheReactorThread() async throws {
        let reactor = try Reactor.start(name: "test-reactor")
        #expect(!reactor.isCurrentThread)
        let seen: [Int] = await withCheckedContinuation { continuation in
            let order = Mutex<[Int]>([])
            for index in 0..<3 {
                reactor.execute {
                    let onReactor = reactor.isCurrentThread
                    let all = order.withLock { order in
                        order.append(onReactor ? index : -1)
                        return order
                    }
                    if all.count == 3 { continuation.resume(returning: all) }
                }
            }
        }
        #expect(seen == [0, 1, 2])
        reactor.shutdown()
        #expect(!reactor.execute {})
    }

    @Test("timers fire in deadline order; a cancelled one never fires; shutdown stops the rest")
    func timersFireInOrder() async throws {
        let reactor = try Reactor.start(name: "test-timers")
        let journal = Journal()
        let done: [String] = await withCheckedContinuation { continuation in
            reactor.execute {
                let now = Reactor.now()
                let late = RecordingTimer("late", journal: journal) { continuation.resume(returning: $0) }
                let early = RecordingTimer("early", journal: journal)
                let cancelled = RecordingTimer("cancelled", journal: journal)
                reactor.schedule(late, at: now + 30_000_000)
                reactor.schedule(cancelled, at: now + 10_000_000)
                reactor.schedule(early, at: now + 20_000_000)
                reactor.cancelTimer(cancelled)
                #expect(!cancelled.reactorTimerSlot.isScheduled)
            }
        }
        #expect(done == ["early", "late"])

        let stopped: [String] = await withCheckedContinuation { continuation in
            reactor.execute {
                let pending = RecordingTimer("pending", journal: journal) { continuation.resume(returning: $0) }
                reactor.schedule(pending, at: Reactor.now() + 60_000_000_000)
                reactor.shutdown()
            }
        }
        #expect(stopped == ["early", "late", "stopped pending"])
    }

    @Test("a bound socket's datagrams arrive in one batch; replies go back with one sendmmsg")
    func datagramBatchesRoundTrip() async throws {
        let reactor = try Reactor.start(name: "test-udp")
        defer { reactor.shutdown() }
        let server = try UDPSocket.bound(
            to: RawSocketAddress(numericHost: "127.0.0.1", port: 0)!, receiveBufferSize: 1 << 20, name: "test")
        let port = Self.localPort(of: server.descriptor)
        let client = try UDPSocket.connected(to: RawSocketAddress(numericHost: "127.0.0.1", port: port)!, name: "test")
        defer { client.close() }

        let echo = Echo(reactor: reactor, socket: server)
        let replies: [[UInt8]] = try await withCheckedThrowingContinuation { continuation in
            reactor.execute {
                do {
                    try reactor.watch(server.descriptor, echo)
                    for index in 0..<3 { try client.send([UInt8(index), 0xAA], name: "test") }
                    var replies: [[UInt8]] = []
                    // Called once the echo has sent its replies (loopback delivers them at once).
                    echo.onReplied = {
                        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: 64, alignment: 1)
                        defer { buffer.deallocate() }
                        while let count = try? client.receive(into: buffer, name: "test") {
                            replies.append(Array(buffer[..<count]))
                        }
                        if replies.count == 3 {
                            reactor.unwatch(server.descriptor)
                            server.close()
                            continuation.resume(returning: replies)
                        }
                    }
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
        #expect(replies == [[0, 0xAA, 0xEE], [1, 0xAA, 0xEE], [2, 0xAA, 0xEE]])
        #expect(echo.journal.all == ["batch of 3", "after events"])
    }

    static func localPort(of descriptor: Int32) -> Int {
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        withUnsafeMutablePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { _ = getsockname(descriptor, $0, &length) }
        }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}

/// An ordered log shared by the objects of one test.
private final class Journal: Sendable {
    private let entries = Mutex<[String]>([])

    /// Appends `entry`; returns the whole log.
    @discardableResult
    func record(_ entry: String) -> [String] {
        entries.withLock { entries in
            entries.append(entry)
            return entries
        }
    }

    var all: [String] { entries.withLock { $0 } }
}

/// Records when it fires or is stopped; calls `done` with the log then.
private final class RecordingTimer: ReactorTimer, @unchecked Sendable {
    var reactorTimerSlot = ReactorTimerSlot()
    let name: String
    let journal: Journal
    let done: (([String]) -> Void)?

    init(_ name: String, journal: Journal, done: (([String]) -> Void)? = nil) {
        self.name = name
        self.journal = journal
        self.done = done
    }

    func timerFired() { finish(journal.record(name)) }
    func reactorStopped() { finish(journal.record("stopped \(name)")) }

    private func finish(_ log: [String]) { done?(log) }
}

/// Reads a batch, queues one reply per datagram and sends them after the round.
private final class Echo: ReactorReadable, ReactorDeferredWork, @unchecked Sendable {
    let reactor: Reactor
    let socket: UDPSocket
    let journal = Journal()
    let received = ReceivedDatagrams(capacity: 8, messageSize: 512)
    let outgoing: OutgoingDatagrams
    var onReplied: (() -> Void)?

    init(reactor: Reactor, socket: UDPSocket) {
        self.reactor = reactor
        self.socket = socket
        outgoing = OutgoingDatagrams(socket: socket, name: "echo", capacity: 8)
    }

    func readable() {
        guard let count = try? received.receive(from: socket, name: "echo"), count > 0 else { return }
        journal.record("batch of \(count)")
        for index in 0..<count {
            let sender = received.sender(at: index)
            let reply = Array(received.message(at: index)) + [0xEE]
            outgoing.append(reply, to: RawSocketAddress(copying: sender.address, length: sender.length))
        }
        reactor.runAfterEvents(self)
    }

    func runAfterEvents() {
        journal.record("after events")
        #expect(outgoing.flush() == 0)
        onReplied?()
    }
}
