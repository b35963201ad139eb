import DNSWire
import Forwarder
import Logging
import NIOCore
import NIOPosix
import PinholeCore
import TestSupport

#if canImport(Glibc)
import Glibc
#endif

/// A forwarder on its own one-thread event loop group, for one test.
final class ForwarderHarness: Sendable {
    let group: MultiThreadedEventLoopGroup
    let forwarder: Forwarder

    convenience init(
        servers: [FakeUpstream], attemptMs: Int64 = 800, totalMs: Int64 = 2000, maxOutstanding: Int = 4096
    ) throws {
        try self.init(
            upstreams: servers.map { UpstreamServer(address: $0.address, port: Int($0.port)) },
            attemptMs: attemptMs, totalMs: totalMs, maxOutstanding: maxOutstanding)
    }

    init(upstreams: [UpstreamServer], attemptMs: Int64 = 800, totalMs: Int64 = 2000, maxOutstanding: Int = 4096) throws {
        group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let settings = ForwarderSettings(
            servers: upstreams, attemptTimeout: .milliseconds(attemptMs), totalTimeout: .milliseconds(totalMs),
            maxOutstanding: maxOutstanding)
        forwarder = try Forwarder(settings: settings, group: group, logger: Logger(label: "test.forwarder"))
    }

    /// Resolves and waits; also checks that completion is called only once.
    func resolve(_ query: DNSQuery, transport: ClientTransport = .udp) async -> Result<UpstreamReply, UpstreamError> {
        await withCheckedContinuation { continuation in
            let calls = CallCounter()
            forwarder.resolve(query, transport: transport) { result in
                if calls.increment() == 1 { continuation.resume(returning: result) }
            }
        }
    }

    func shutdown() async throws {
        try await group.shutdownGracefully()
    }
}

/// Counts completion calls so a second call cannot resume a continuation twice.
final class CallCounter: @unchecked Sendable {
    private var count = 0
    private var lock = pthread_mutex_t()

    init() { pthread_mutex_init(&lock, nil) }
    deinit { pthread_mutex_destroy(&lock) }

    func increment() -> Int {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        count += 1
        return count
    }
}

/// Helpers to build queries and read results in tests.
enum Fixtures {
    static func query(
        _ name: String = "www.example.com", type: UInt16 = DNSType.a, id: UInt16 = 0x1234,
        checkingDisabled: Bool = false, edns: EDNSInfo? = nil
    ) throws -> DNSQuery {
        try DNSQuery.parse(DNSMessageBuilder.query(
            id: id, name: name, type: type, checkingDisabled: checkingDisabled, edns: edns))
    }

    /// Milliseconds on the monotonic clock.
    static func nowMs() -> Int64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return Int64(ts.tv_sec) * 1000 + Int64(ts.tv_nsec) / 1_000_000
    }

    /// The wire of a successful result, or nil.
    static func wire(_ result: Result<UpstreamReply, UpstreamError>) -> [UInt8]? {
        if case .success(let reply) = result { return reply.response.wire }
        return nil
    }

    static func error(_ result: Result<UpstreamReply, UpstreamError>) -> UpstreamError? {
        if case .failure(let error) = result { return error }
        return nil
    }
}
