import Foundation
import Glibc
import Testing
import TestSupport

/// The real pinholed under a stand-in for systemd's Type=notify protocol: a
/// datagram socket the test owns as NOTIFY_SOCKET, WATCHDOG_USEC set, real
/// queries from dig, real signals.
@Suite(.serialized, .enabled(if: Harness.hasDig, "needs dig (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct SystemdNotifyE2ETests {
    /// pinholed with NOTIFY_SOCKET (and WATCHDOG_USEC) pointing at a socket of this test.
    final class Stage {
        let folder: URL
        let notify: UnixDatagramListener
        let upstream: FakeUpstream
        let daemon: DaemonProcess

        /// `policy: false` runs pinholed with `[policy] enabled = false`.
        init(watchdogMicroseconds: Int = 1_000_000, policy: Bool = true) throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-notify-\(UUID().uuidString.prefix(8))")
            let profiles = folder.appendingPathComponent("apps.d")
            try FileManager.default.createDirectory(at: profiles, withIntermediateDirectories: true)
            try "mode = \"block-listed\"\ndeny = [\"blocked.example\"]\n"
                .write(to: profiles.appendingPathComponent("default.toml"), atomically: true, encoding: .utf8)
            notify = try UnixDatagramListener(path: folder.appendingPathComponent("notify").path)
            upstream = try Harness.answeringUpstream()
            // env execs pinholed: the pid is pinholed's, the variables only its.
            daemon = try DaemonProcess(
                upstreams: [Harness.upstreamFlag(upstream)],
                configText: policy
                    ? "[policy]\nprofiles_dir = \"\(profiles.path)\"\nlists_dir = \"\(folder.path)\"\n"
                    : "[policy]\nenabled = false\n",
                waitForReady: false,
                launcher: ["/usr/bin/env", "NOTIFY_SOCKET=\(notify.path)", "WATCHDOG_USEC=\(watchdogMicroseconds)"])
        }

        deinit {
            daemon.stop()
            upstream.stop()
            try? FileManager.default.removeItem(at: folder)
        }

        /// The next notify message with `key`, failing with what came instead.
        func next(_ key: String, value: String? = nil, within seconds: Double = 10) throws -> (NotifyMessage, before: [NotifyMessage]) {
            guard let found = notify.receive(until: seconds, where: {
                let message = NotifyMessage($0)
                return message[key] != nil && (value == nil || message[key] == value)
            }) else {
                throw TestFailure("no \(key)\(value.map { "=" + $0 } ?? "") from pinholed within \(seconds) s:\n\(daemon.log)")
            }
            return (NotifyMessage(found.match), found.before.map(NotifyMessage.init))
        }

        func dig(_ name: String) throws -> Dig.Result {
            try Harness.dig().query(name, server: daemon.listenAddress, port: daemon.listenPort, options: ["+tries=1", "+time=2"])
        }
    }

    @Test("READY=1 comes once pinholed answers, with a STATUS line naming the listener")
    func readyMeansAnswering() throws {
        let stage = try Stage()
        let (ready, _) = try stage.next("READY", value: "1")
        // Ready means ready: the very next query is answered.
        let answer = try stage.dig("ready.example")
        #expect(answer.status == "NOERROR", "\(answer)")
        #expect(answer.answerData == ["192.0.2.1"], "\(answer)")
        #expect(ready["STATUS"]?.hasPrefix("answering on \(stage.daemon.endpoint);") == true, "\(ready)")
        #expect(stage.daemon.log.contains("ready"))
    }

    @Test("STATUS= is refreshed with the counts of answered and blocked queries")
    func statusCountsQueries() throws {
        let stage = try Stage()
        _ = try stage.next("READY", value: "1")
        #expect(try stage.dig("one.example").status == "NOERROR")
        #expect(try stage.dig("blocked.example").answerData == ["0.0.0.0"])
        let (status, _) = try stage.next("STATUS", value: "answering on \(stage.daemon.endpoint); 2 queries, 1 blocked")
        #expect(status["READY"] == nil)
    }

    @Test("WATCHDOG=1 arrives at about half of WATCHDOG_USEC, again and again")
    func watchdogPings() throws {
        let stage = try Stage(watchdogMicroseconds: 1_000_000)
        _ = try stage.next("READY", value: "1")
        let start = Date()
        for _ in 0..<4 { _ = try stage.next("WATCHDOG", value: "1", within: 3) }
        // Four pings at 0.5 s each: about 2 s; well under WATCHDOG_USEC apart.
        let elapsed = Date().timeIntervalSince(start)
        #expect(elapsed > 1.2 && elapsed < 3.5, "4 pings took \(elapsed) s")
        #expect(stage.daemon.log.contains("systemd watchdog on"))
    }

    @Test("SIGHUP: RELOADING=1 with MONOTONIC_USEC, then READY=1; SIGTERM: STOPPING=1 and a clean exit")
    func reloadAndStop() throws {
        let stage = try Stage()
        _ = try stage.next("READY", value: "1")
        kill(stage.daemon.process.processIdentifier, SIGHUP)
        let (reloading, _) = try stage.next("RELOADING", value: "1")
        let stamp = try #require(reloading["MONOTONIC_USEC"].flatMap(UInt64.init), "\(reloading)")
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let nowMicroseconds = UInt64(now.tv_sec) * 1_000_000 + UInt64(now.tv_nsec) / 1_000
        #expect(stamp <= nowMicroseconds && nowMicroseconds - stamp < 10_000_000, "MONOTONIC_USEC \(stamp) vs now \(nowMicroseconds)")
        let (again, _) = try stage.next("READY", value: "1")
        #expect(again["STATUS"]?.hasPrefix("answering on") == true)
        #expect(try stage.dig("after-reload.example").status == "NOERROR")

        kill(stage.daemon.process.processIdentifier, SIGTERM)
        _ = try stage.next("STOPPING", value: "1")
        #expect(stage.daemon.waitForExit(seconds: 10) == 0, "\(stage.daemon.log)")
    }

    @Test("SIGHUP with [policy] enabled = false: pinholed lives, logs that there is nothing to reload, RELOADING=1 then READY=1")
    func reloadWithoutPolicy() throws {
        let stage = try Stage(policy: false)
        _ = try stage.next("READY", value: "1")
        for round in 1...2 {
            kill(stage.daemon.process.processIdentifier, SIGHUP)
            _ = try stage.next("RELOADING", value: "1")
            let (again, _) = try stage.next("READY", value: "1")
            #expect(again["STATUS"]?.hasPrefix("answering on") == true, "round \(round): \(again)")
            #expect(stage.daemon.process.isRunning, "SIGHUP \(round) killed pinholed:\n\(stage.daemon.log)")
            #expect(try stage.dig("after-hup-\(round).example").status == "NOERROR")
        }
        #expect(stage.daemon.log.contains("nothing to reload"), "\(stage.daemon.log)")
        kill(stage.daemon.process.processIdentifier, SIGTERM)
        #expect(stage.daemon.waitForExit(seconds: 10) == 0, "\(stage.daemon.log)")
    }
}
