import Foundation
import Glibc
import PinholeDaemon
import QueryLog
import Testing
import TestSupport

/// The `pinhole` CLI against the real pinholed: real dig clients in their
/// own cgroups, the daemon's own database and control socket, the built
/// `pinhole` binary as a process.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct PinholeLogE2ETests {
    /// app-x, block-listed, denies tracker.example.
    static func stage() throws -> QueryLogStage {
        try QueryLogStage(profiles: ["x.toml": "mode = \"block-listed\"\ndeny = [\"tracker.example\"]\n[match]\nunit = \"app-x.scope\"\n"])
    }

    static func pinhole() throws -> URL { try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_CLI_BIN") }

    /// The "done when": what did app X look up in the last hour, and
    /// what was blocked and why — one command.
    @Test func oneCommandAnswersWhatAppXLookedUpAndWhatWasBlockedAndWhy() throws {
        let stage = try Self.stage()
        let allowedPid = try stage.dig("app-x.scope", "shop.example").pid
        try stage.dig("app-x.scope", "tracker.example")
        try stage.dig("app-other.scope", "elsewhere.example")
        try stage.rows(atLeast: 3)
        let run = try CommandRunner.run(try Self.pinhole(), ["log", "--db", stage.daemon.queryLogPath, "--app", "app-x.scope", "--since", "1h"])
        #expect(run.status == 0, "\(run.output)")
        let lines = run.output.split(separator: "\n").map(String.init)
        #expect(lines.count == 3, "\(run.output)")
        let blocked = try #require(lines.first { $0.contains("tracker.example") }, "\(run.output)")
        #expect(blocked.contains("blocked") && blocked.contains("profile deny"), "\(blocked)")
        let allowed = try #require(lines.first { $0.contains("shop.example") }, "\(run.output)")
        #expect(allowed.contains("allowed") && allowed.contains("app-x.scope") && allowed.contains(String(allowedPid)), "\(allowed)")
        #expect(!run.output.contains("elsewhere.example"))
    }

    @Test func followPrintsAQueryMadeAfterItStarted() throws {
        let stage = try Self.stage()
        let process = Process()
        process.executableURL = try Self.pinhole()
        process.arguments = ["log", "--follow", "--json", "--socket", stage.daemon.controlSocketPath, "--app", "app-x.scope"]
        let out = Pipe()
        process.standardOutput = out
        process.standardError = FileHandle.nullDevice
        try process.run()
        defer {
            if process.isRunning { kill(process.processIdentifier, SIGTERM) }
            process.waitUntilExit()
        }
        // Connected once the daemon counts a follower.
        let deadline = Date().addingTimeInterval(5)
        var followers = 0
        while Date() < deadline, followers == 0 {
            followers = (try? ControlSocketClient(socketPath: stage.daemon.controlSocketPath).status().followers) ?? 0
            if followers == 0 { usleep(50_000) }
        }
        #expect(followers == 1)
        try stage.dig("app-other.scope", "not-this-app.example")
        let pid = try stage.dig("app-x.scope", "live.example").pid
        // The first line the filter lets through.
        let line = try #require(Self.readLine(out.fileHandleForReading, timeout: 5), "no line from pinhole log --follow within 5 s")
        let record = try JSONDecoder().decode(LogRecord.self, from: Data(line.utf8))
        #expect(record.name == "live.example" && record.app == "app-x.scope" && record.pid == pid && record.decision == "allowed")
    }

    /// One line from `handle`, or nil after `timeout` seconds.
    static func readLine(_ handle: FileHandle, timeout: Double) -> String? {
        var bytes: [UInt8] = []
        let deadline = Date().addingTimeInterval(timeout)
        var poller = pollfd(fd: handle.fileDescriptor, events: Int16(POLLIN), revents: 0)
        while Date() < deadline {
            guard poll(&poller, 1, 100) > 0 else { continue }
            var byte: UInt8 = 0
            guard read(handle.fileDescriptor, &byte, 1) == 1 else { return nil }
            if byte == UInt8(ascii: "\n") { return String(decoding: bytes, as: UTF8.self) }
            bytes.append(byte)
        }
        return nil
    }
}
