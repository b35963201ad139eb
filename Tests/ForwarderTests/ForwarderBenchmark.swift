import DNSWire
import Forwarder
import PinholeCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A rough miss-path measurement, not an assertion: run with
/// `PINHOLE_BENCH=1 swift test --filter ForwarderBenchmark` (better in release).
@Suite("Forwarder benchmark", .enabled(if: getenv("PINHOLE_BENCH") != nil))
struct ForwarderBenchmark {
    @Test("20k queries against FakeUpstream, 1 and 32 in flight")
    func missPath() async throws {
        let fake = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1", ttl: 60)] })
        defer { fake.stop() }
        let harness = try ForwarderHarness(servers: [fake])
        let query = try Fixtures.query(edns: EDNSInfo(udpPayloadSize: 1232, dnssecOK: false))
        for window in [1, 32] {
            let count = 20_000
            let cpuBefore = Self.cpuMicros()
            let started = Fixtures.nowMs()
            let failures = await Self.run(harness.forwarder, query: query, count: count, window: window)
            let wallMs = Fixtures.nowMs() - started
            let cpu = Self.cpuMicros() - cpuBefore
            print("""
                forwarder bench: window \(window): \(count) queries in \(wallMs) ms = \
                \(Double(wallMs) * 1000 / Double(count)) µs/query wall, \
                \(Double(cpu) / Double(count)) CPU-µs/query (process, fake upstream included), \
                \(failures) failures
                """)
            #expect(failures == 0)
        }
        try await harness.shutdown()
    }

    /// Sends `count` queries keeping `window` in flight; returns the failures.
    static func run(_ forwarder: Forwarder, query: DNSQuery, count: Int, window: Int) async -> Int {
        await withCheckedContinuation { continuation in
            let state = BenchState(count: count, continuation: continuation)
            @Sendable func launch() {
                forwarder.resolve(query, transport: .udp) { result in
                    if state.complete(ok: (try? result.get()) != nil) { launch() }
                }
            }
            for _ in 0..<window where state.claim() { launch() }
        }
    }

    static func cpuMicros() -> Int {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return (usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) * 1_000_000
            + Int(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec)
    }
}

/// Counts launched and finished benchmark queries.
final class BenchState: @unchecked Sendable {
    private var lock = pthread_mutex_t()
    private var launched = 0
    private var finished = 0
    private var failures = 0
    private let count: Int
    private let continuation: CheckedContinuation<Int, Never>

    init(count: Int, continuation: CheckedContinuation<Int, Never>) {
        self.count = count
        self.continuation = continuation
        pthread_mutex_init(&lock, nil)
    }

    /// Reserves one more query to launch; false when all are launched.
    func claim() -> Bool {
        pthread_mutex_lock(&lock)
        defer { pthread_mutex_unlock(&lock) }
        guard launched < count else { return false }
        launched += 1
        return true
    }

    /// Records one result; true when the caller should launch another.
    func complete(ok: Bool) -> Bool {
        pthread_mutex_lock(&lock)
        finished += 1
        if !ok { failures += 1 }
        let done = finished == count
        let more = launched < count
        if more { launched += 1 }
        let failures = self.failures
        pthread_mutex_unlock(&lock)
        if done { continuation.resume(returning: failures) }
        return more
    }
}
