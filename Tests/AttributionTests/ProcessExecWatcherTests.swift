import Attribution
import Foundation
import Glibc
import Testing
import TestSupport

/// The process events connector, for real: a program this test execs is
/// reported by its pid; a socket made in another network namespace cannot
/// subscribe (and says why); one made outside and handed over by
/// descriptor can.
@Suite(.serialized, .enabled(if: getuid() == 0 || TestEnvironment.requireE2E, "needs root (CAP_NET_ADMIN) for the process events connector"))
struct ProcessExecWatcherTests {
    /// Collects the reported tgids.
    final class Seen: @unchecked Sendable {
        private let lock = NSLock()
        private var all: Set<Int32> = []

        func add(_ tgids: [Int32]) { lock.withLock { all.formUnion(tgids) } }
        var count: Int { lock.withLock { all.count } }

        func waitFor(_ pid: Int32, seconds: Double = 5) -> Bool {
            let deadline = Date().addingTimeInterval(seconds)
            while Date() < deadline {
                if lock.withLock({ all.contains(pid) }) { return true }
                usleep(5_000)
            }
            return false
        }
    }

    /// Runs /bin/sh with `script`, waits for it and returns its pid.
    private func execAndWait(_ script: String) throws -> Int32 {
        let child = try ChildProcess("/bin/sh", ["-c", script])
        child.process.waitUntilExit()
        return child.pid
    }

    @Test func anExecIsReportedByItsPid() throws {
        let seen = Seen()
        let watcher = try ProcessExecWatcher(environment: [:], handler: { tgids in seen.add(tgids) })
        watcher.start()
        defer { watcher.stop() }
        #expect(!watcher.inherited)
        let pid = try execAndWait("exit 0")
        #expect(seen.waitFor(pid), "the exec of /bin/sh (pid \(pid)) was not reported")

        // Stopped: no handler call after stop returns.
        watcher.stop()
        let count = seen.count
        _ = try execAndWait("exit 0")
        usleep(100_000)
        #expect(seen.count == count)
    }

    @Test func aSocketInAnotherNetworkNamespaceCannotSubscribe() throws {
        let namespace = try NamespacedThread()
        defer { namespace.stop() }
        let outcome: Result<ProcessExecWatcher, any Error> = try namespace.run {
            do {
                return .success(try ProcessExecWatcher(environment: [:], handler: { _ in }))
            } catch {
                return .failure(error)
            }
        }
        guard case .failure(let error) = outcome else {
            Issue.record("subscribed from a private network namespace")
            return
        }
        #expect("\(error)".contains("not the initial network namespace"), "\(error)")
    }

    @Test func anInheritedSocketMadeOutsideWorksFromAnotherNetworkNamespace() throws {
        // Made here (the initial network namespace), used there: what the e2e sandbox hands pinholed.
        let fd = socket(AF_NETLINK, Int32(SOCK_DGRAM.rawValue), 11 /* NETLINK_CONNECTOR */)
        try #require(fd >= 0)
        let seen = Seen()
        let namespace = try NamespacedThread()
        defer { namespace.stop() }
        let watcher = try namespace.run {
            try ProcessExecWatcher(
                environment: [ProcessExecWatcher.descriptorVariable: String(fd)],
                handler: { tgids in seen.add(tgids) })
        }
        #expect(watcher.inherited)
        watcher.start()
        defer { watcher.stop() }
        // The connector reports every exec on the machine, whatever its network namespace.
        let pid = try execAndWait("exit 0")
        #expect(seen.waitFor(pid), "the exec of pid \(pid) in the namespace was not reported")
    }
}
