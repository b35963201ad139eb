import Logging
import Synchronization
import Testing
@testable import PinholeDaemon

/// The watchdog pings only while every answering loop runs the work posted
/// to it; STATUS= is sent when it changes; STOPPING=1 at the end.
@Suite struct SystemdNotifyServiceTests {
    /// Messages the service sent.
    final class Sent: Sendable {
        private let messages = Mutex<[String]>([])
        func append(_ message: String) { messages.withLock { $0.append(message) } }
        var all: [String] { messages.withLock { $0 } }
        func count(_ message: String) -> Int { all.filter { $0 == message }.count }
    }

    /// A loop that runs posted work at once.
    static let healthy: SystemdNotifyService.LoopProbe = { work in
        work()
        return true
    }
    /// A loop that is stuck: posted work never runs.
    static let stuck: SystemdNotifyService.LoopProbe = { _ in true }

    /// Runs the service for `duration`, then cancels it; what it sent.
    func run(probes: [SystemdNotifyService.LoopProbe], status: @escaping @Sendable () -> String = { "answering" }, for duration: Duration) async -> [String] {
        let sent = Sent()
        let service = SystemdNotifyService(
            status: status, watchdogInterval: .milliseconds(100), probes: probes, logger: Logger(label: "test"),
            statusInterval: .milliseconds(20), send: { sent.append($0) })
        let task = Task { try await service.run() }
        try? await Task.sleep(for: duration)
        task.cancel()
        _ = try? await task.value
        return sent.all
    }

    @Test func pingsWhileEveryLoopRuns() async {
        let sent = await run(probes: [Self.healthy, Self.healthy], for: .milliseconds(500))
        let pings = sent.filter { $0 == "WATCHDOG=1" }.count
        // Every 50 ms (half of 100 ms) for 500 ms; generous for a loaded machine.
        #expect(pings >= 3, "\(sent)")
        #expect(sent.last == "STOPPING=1\nSTATUS=stopping", "\(sent)")
    }

    @Test func noPingWhileOneLoopIsStuck() async {
        let sent = await run(probes: [Self.healthy, Self.stuck], for: .milliseconds(500))
        #expect(!sent.contains("WATCHDOG=1"), "\(sent)")
        #expect(sent.contains("STATUS=answering"), "the status still goes out: \(sent)")
    }

    @Test func noPingWhenTheReactorIsGone() async {
        // reactor.execute answers false once the reactor shut down: its work never runs.
        let sent = await run(probes: [{ _ in false }], for: .milliseconds(300))
        #expect(!sent.contains("WATCHDOG=1"), "\(sent)")
    }

    @Test func statusIsSentWhenItChanges() async {
        let counter = Atomic<Int>(0)
        let sent = await run(
            probes: [Self.healthy],
            status: { "answering; \(min(counter.add(1, ordering: .relaxed).newValue, 3)) queries" }, for: .milliseconds(300))
        let statuses = sent.filter { $0.hasPrefix("STATUS=answering") }
        #expect(statuses == ["STATUS=answering; 1 queries", "STATUS=answering; 2 queries", "STATUS=answering; 3 queries"], "\(sent)")
    }
}
