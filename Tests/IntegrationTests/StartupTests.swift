import DNSWire
import Foundation
import Testing
import TestSupport

/// Starting and stopping the real binary: errors people read, clean exits.
@Suite struct StartupTests {
    @Test func aTakenAddressIsReportedWithItsHolder() throws {
        let upstream = try Harness.answeringUpstream()
        let first = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { first.stop(); upstream.stop() }

        let second = try DaemonProcess(
            port: first.listenPort, upstreams: [Harness.upstreamFlag(upstream)], waitForReady: false)
        defer { second.stop() }
        let status = second.waitForExit(seconds: 10)
        #expect(status == 1)
        let log = second.log
        #expect(log.contains("127.0.0.1:\(first.listenPort)"), "\(log)")
        #expect(log.contains("in use by pinholed (pid \(first.process.processIdentifier))"), "\(log)")
        #expect(log.contains("server.listen"), "the message must name the setting to change: \(log)")
    }

    @Test func aBadConfigFileStopsTheStartWithFileLineAndKey() throws {
        let daemon = try DaemonProcess(
            configText: "[cache]\nsize = 100\nmin_ttl = \"soon\"\n", waitForReady: false)
        defer { daemon.stop() }
        #expect(daemon.waitForExit(seconds: 10) == 1)
        let log = daemon.log
        #expect(log.contains("pinhole.toml:3"), "\(log)")
        #expect(log.contains("cache.min_ttl"), "\(log)")

        let unknown = try DaemonProcess(configText: "[cache]\nsise = 100\n", waitForReady: false)
        defer { unknown.stop() }
        #expect(unknown.waitForExit(seconds: 10) == 1)
        #expect(unknown.log.contains("pinhole.toml:2"), "\(unknown.log)")
        #expect(unknown.log.contains("sise"), "\(unknown.log)")
    }

    @Test func sigtermStopsTheDaemonCleanly() throws {
        let upstream = try Harness.answeringUpstream()
        let daemon = try DaemonProcess(upstreams: [Harness.upstreamFlag(upstream)])
        defer { upstream.stop() }
        let start = Date()
        let status = daemon.stop()
        #expect(status == 0, "SIGTERM must end pinholed with status 0:\n\(daemon.log)")
        #expect(Date().timeIntervalSince(start) < 3)
        #expect(daemon.log.contains("stopped"))
    }

    @Test func versionAndCheckConfigAnswerWithoutStarting() throws {
        let binary = try DaemonProcess.binary()
        let version = try CommandRunner.run(binary, ["--version"])
        #expect(version.status == 0)
        #expect(version.output.trimmingCharacters(in: .whitespacesAndNewlines).first?.isNumber == true, "\(version.output)")
        // pinholed's own main (the cgroup view is set up before any thread) still answers --help.
        let help = try CommandRunner.run(binary, ["--help"])
        #expect(help.status == 0 && help.output.contains("--check-config"), "\(help.output)")

        let config = FileManager.default.temporaryDirectory.appendingPathComponent("check-\(UUID().uuidString).toml")
        try "[server]\nlisten = [\"127.0.0.1:5399\"]\n[upstream]\nservers = [\"127.0.0.1:5398\"]\n".write(to: config, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: config) }
        let check = try CommandRunner.run(binary, ["--config", config.path, "--check-config"])
        #expect(check.status == 0, "\(check.output)")
        #expect(check.output.contains("127.0.0.1:5399"), "\(check.output)")
        #expect(check.output.contains("127.0.0.1:5398"), "\(check.output)")
    }

    @Test func theCLIChecksConfigFilesWithTheSameErrors() throws {
        let cli = try DaemonProcess.binary().deletingLastPathComponent().appendingPathComponent("pinhole")
        let dir = FileManager.default.temporaryDirectory
        let good = dir.appendingPathComponent("cli-good-\(UUID().uuidString).toml")
        let bad = dir.appendingPathComponent("cli-bad-\(UUID().uuidString).toml")
        try "[upstream]\nservers = [\"192.0.2.53\"]\n".write(to: good, atomically: true, encoding: .utf8)
        try "[upstream]\nservers = [\"192.0.2.53\"]\n[tcp]\nidle_timeout = \"forever\"\n".write(to: bad, atomically: true, encoding: .utf8)
        defer {
            try? FileManager.default.removeItem(at: good)
            try? FileManager.default.removeItem(at: bad)
        }
        let ok = try CommandRunner.run(cli, ["check-config", good.path])
        #expect(ok.status == 0, "\(ok.output)")
        #expect(ok.output.contains("upstream.servers = [\"192.0.2.53:53\"]"), "\(ok.output)")

        let failed = try CommandRunner.run(cli, ["check-config", bad.path])
        #expect(failed.status != 0)
        #expect(failed.output.contains("\(bad.lastPathComponent):4"), "\(failed.output)")
        #expect(failed.output.contains("tcp.idle_timeout"), "\(failed.output)")
    }
}
