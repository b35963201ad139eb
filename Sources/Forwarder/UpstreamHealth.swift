import Synchronization

/// Per-server counters of a `Forwarder`, for `pinhole status`: attempts
/// answered, failed (refused, reset, unusable reply) and timed out, the
/// last error and a smoothed round-trip time. Updated on the reactor
/// thread with relaxed atomics; the error text only on failures.
public final class UpstreamHealth: Sendable {
    /// One server's counters at one moment.
    public struct Snapshot: Sendable, Equatable {
        /// "addr:port".
        public var server: String
        public var answered: UInt64
        public var failed: UInt64
        public var timeouts: UInt64
        /// The latest failure or timeout, nil when there was none.
        public var lastError: String?
        /// Smoothed round-trip time of answered attempts (7/8 old + 1/8 new), microseconds; nil before the first answer.
        public var rttMicroseconds: UInt64?
    }

    private final class Server: Sendable {
        let answered = Atomic<UInt64>(0)
        let failed = Atomic<UInt64>(0)
        let timeouts = Atomic<UInt64>(0)
        let rtt = Atomic<UInt64>(0)
        let lastError = Mutex<String?>(nil)
    }

    private let names: [String]
    private let servers: [Server]

    init(serverNames: [String]) {
        names = serverNames
        servers = serverNames.map { _ in Server() }
    }

    func answered(_ index: Int, nanoseconds: UInt64) {
        guard servers.indices.contains(index) else { return }
        let server = servers[index]
        server.answered.add(1, ordering: .relaxed)
        let micros = max(1, nanoseconds / 1_000)
        let old = server.rtt.load(ordering: .relaxed)
        server.rtt.store(old == 0 ? micros : (old * 7 + micros) / 8, ordering: .relaxed)
    }

    func failed(_ index: Int, reason: String) {
        guard servers.indices.contains(index) else { return }
        servers[index].failed.add(1, ordering: .relaxed)
        servers[index].lastError.withLock { $0 = reason }
    }

    func timedOut(_ index: Int, reason: String) {
        guard servers.indices.contains(index) else { return }
        servers[index].timeouts.add(1, ordering: .relaxed)
        servers[index].lastError.withLock { $0 = reason }
    }

    /// Every server's counters, in configuration order.
    public var snapshot: [Snapshot] {
        zip(names, servers).map { name, server in
            let rtt = server.rtt.load(ordering: .relaxed)
            return Snapshot(
                server: name, answered: server.answered.load(ordering: .relaxed), failed: server.failed.load(ordering: .relaxed),
                timeouts: server.timeouts.load(ordering: .relaxed), lastError: server.lastError.withLock { $0 },
                rttMicroseconds: rtt == 0 ? nil : rtt)
        }
    }
}
