import DNSWire
import Forwarder
import Logging
import NIOPosix
import PinholeCore
import TestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// Descriptors and the reactor thread: nothing may outlive a query or the forwarder.
@Suite("Forwarder lifecycle", .serialized, .timeLimit(.minutes(1)))
struct ForwarderLifecycleTests {
    @Test("answers, TC→TCP retries, timeouts and refusals leave no descriptor open")
    func noDescriptorLeaks() async throws {
        let good = try FakeUpstream(handler: FakeUpstream.answering { _ in [.a("www.example.com", "192.0.2.1")] })
        defer { good.stop() }
        let truncating = try FakeUpstream { request in
            let query = request.query!
            switch request.transport {
            case .udp: return .reply(DNSMessageBuilder.reply(to: query, truncated: true))
            case .tcp: return .reply(DNSMessageBuilder.reply(to: query, answers: [.a("www.example.com", "192.0.2.1")]))
            }
        }
        defer { truncating.stop() }
        let silent = try FakeUpstream { _ in .drop }
        defer { silent.stop() }
        let closed = try FakeUpstream { _ in .drop }
        closed.stop()

        let goodHarness = try ForwarderHarness(servers: [good])
        let tcHarness = try ForwarderHarness(servers: [truncating])
        let failingHarness = try ForwarderHarness(
            upstreams: [UpstreamServer(address: "127.0.0.1", port: Int(closed.port)),
                        UpstreamServer(address: silent.address, port: Int(silent.port))],
            attemptMs: 50, totalMs: 120)
        let query = try Fixtures.query()
        // Warm up once each so lazily created descriptors (NIO's, the fakes') exist.
        _ = await goodHarness.resolve(query)
        _ = await tcHarness.resolve(query)
        // Sockets are what a query could leak; NIO creates other descriptors
        // (a timerfd per loop) lazily at its first timer.
        let before = Self.openDescriptors(kinds: ["socket:"])
        let beforeTargets = Self.descriptorTargets()

        var answered = 0
        for _ in 0..<50 where (try? await goodHarness.resolve(query).get()) != nil { answered += 1 }
        var retried = 0
        for _ in 0..<10 where (try? await tcHarness.resolve(query).get()) != nil { retried += 1 }
        var failed = 0
        for _ in 0..<5 where Fixtures.error(await failingHarness.resolve(query)) != nil { failed += 1 }
        #expect(answered == 50)
        #expect(retried == 10)
        #expect(failed == 5)

        // TCP channels close asynchronously on their event loop.
        let after = await Self.settledDescriptors(atMost: before, kinds: ["socket:"])
        #expect(
            after <= before,
            "open sockets: \(before) before, \(after) after; new descriptors: \(Self.descriptorTargets().subtracting(beforeTargets).sorted())")
        for harness in [goodHarness, tcHarness, failingHarness] { try await harness.shutdown() }
    }

    @Test("releasing the forwarder fails its in-flight query and closes the reactor's descriptors")
    func releaseStopsReactor() async throws {
        let silent = try FakeUpstream { _ in .drop }
        defer { silent.stop() }
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        let query = try Fixtures.query()
        // The reactor's own descriptors; counting every descriptor would also
        // see other tests' sockets that close late.
        let reactorKinds = ["anon_inode:[eventpoll]", "anon_inode:[eventfd]", "socket:"]
        let before = Self.openDescriptors(kinds: reactorKinds)

        let result: Result<UpstreamReply, UpstreamError> = await withCheckedContinuation { continuation in
            do {
                let settings = ForwarderSettings(
                    servers: [UpstreamServer(address: silent.address, port: Int(silent.port))],
                    attemptTimeout: .seconds(10), totalTimeout: .seconds(20))
                let forwarder = try Forwarder(settings: settings, group: group, logger: Logger(label: "test"))
                let calls = CallCounter()
                forwarder.resolve(query, transport: .udp) { result in
                    if calls.increment() == 1 { continuation.resume(returning: result) }
                }
                // `forwarder` is released here, long before the attempt's 10 s timeout.
            } catch {
                continuation.resume(returning: .failure(UpstreamError(.failed, "setup: \(error)")))
            }
        }
        let error = try #require(Fixtures.error(result))
        #expect(error.kind == .failed)
        #expect(error.message.contains("shut down"), "\(error.message)")
        let after = await Self.settledDescriptors(atMost: before, kinds: reactorKinds)
        #expect(after <= before, "open descriptors: \(before) before, \(after) after")
        try await group.shutdownGracefully()
    }

    /// Entries of /proc/self/fd (the listing's own descriptor excluded),
    /// or only those whose link target starts with one of `kinds`.
    static func openDescriptors(kinds: [String] = []) -> Int {
        guard let directory = opendir("/proc/self/fd") else { return -1 }
        defer { closedir(directory) }
        var count = 0
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != "." && name != ".." else { continue }
            if kinds.isEmpty {
                count += 1
                continue
            }
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
            guard length > 0 else { continue }
            let link = String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self)
            if kinds.contains(where: { link.hasPrefix($0) }) { count += 1 }
        }
        return kinds.isEmpty ? count - 1 : count
    }

    /// The descriptor count (of `kinds`) once it has dropped to `limit`, or
    /// after 5 s: the fake upstreams' connection threads, in this process too,
    /// close their ends only when they next run, which on a loaded 2-core
    /// machine can take a while.
    static func settledDescriptors(atMost limit: Int, kinds: [String] = []) async -> Int {
        var count = openDescriptors(kinds: kinds)
        for _ in 0..<500 where count > limit {
            try? await Task.sleep(for: .milliseconds(10))
            count = openDescriptors(kinds: kinds)
        }
        return count
    }

    /// "fd -> target" for every open descriptor, to say what leaked.
    static func descriptorTargets() -> Set<String> {
        guard let directory = opendir("/proc/self/fd") else { return [] }
        defer { closedir(directory) }
        var targets: Set<String> = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard name != "." && name != ".." else { continue }
            var target = [CChar](repeating: 0, count: 256)
            let length = readlink("/proc/self/fd/\(name)", &target, target.count - 1)
            guard length > 0 else { continue }
            targets.insert("\(name) -> " + String(decoding: target.prefix(length).map { UInt8(bitPattern: $0) }, as: UTF8.self))
        }
        return targets
    }
}
