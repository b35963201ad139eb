import Foundation
import Glibc
import PinholeDaemon
import Testing
import TestSupport

/// The control socket's write side with the real pinholed in a namespace
/// sandbox, the real `pinhole` CLI (as root and, through setpriv, as an
/// unprivileged uid with numeric groups that exist only in the config) and
/// real dig in cgroups: who may change policy, edits taking effect without
/// a restart, the byte-exact rollback, and bad requests.
@Suite(.serialized, .enabled(if: NamespaceSandbox.shouldRun, "needs root, unshare, nsenter, ip and cgroup2 (PINHOLE_REQUIRE_E2E=1 fails instead)"))
struct ControlE2ETests {
    /// Readers and admins by numeric gid: no group is added to the host.
    static let readerGID = "48421"
    static let adminGID = "48422"

    static let shopProfile = """
        # The shop app: only what it needs.\r
        mode = "enforce"   # strict\r
        allow = [\r
          "allowed.example",  # its API\r
        ]\r
        \r
        [match]\r
        unit = "app-a.scope"\r

        """

    final class Stage {
        let folder: URL
        let profiles: URL
        let sandbox: NamespaceSandbox
        let daemon: DaemonProcess

        init() throws {
            folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-control-\(UUID().uuidString)")
            profiles = folder.appendingPathComponent("apps.d")
            let lists = folder.appendingPathComponent("lists")
            for directory in [profiles, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
            try Data(ControlE2ETests.shopProfile.utf8).write(to: profiles.appendingPathComponent("shop.toml"))
            try "mode = \"block-listed\"\ndeny = [\"denied.example\"]\n[match]\nunit = \"app-b.scope\"\n"
                .write(to: profiles.appendingPathComponent("browser.toml"), atomically: true, encoding: .utf8)
            sandbox = try NamespaceSandbox()
            _ = try sandbox.startResponder()
            daemon = try sandbox.startDaemon(
                upstreams: ["127.0.0.2:53"],
                configText: """
                    [policy]
                    profiles_dir = "\(profiles.path)"
                    lists_dir = "\(lists.path)"
                    [control]
                    read_group = \(ControlE2ETests.readerGID)
                    admin_group = "\(ControlE2ETests.adminGID)"

                    """)
        }

        deinit {
            _ = daemon.stop()
            sandbox.shutdown()
            try? FileManager.default.removeItem(at: folder)
        }

        var shop: URL { profiles.appendingPathComponent("shop.toml") }

        /// `dig +short` from `cgroup`: the answer lines.
        func dig(_ cgroup: String, _ name: String) throws -> [String] {
            let process = try sandbox.spawn(cgroup: cgroup, executable: "dig", arguments: ["@127.0.0.1", "+short", "+tries=1", "+time=3", name])
            #expect(process.waitForExit() == 0, "\(process.stderr)")
            return process.stdout.split(separator: "\n").map(String.init)
        }

        /// The real CLI against this daemon's socket; as root, or as uid 65534 with `groups` (numeric).
        func pinhole(_ arguments: [String], groups: [String]? = nil) throws -> (status: Int32, output: String) {
            let cli = try BuiltProduct.find("pinhole", environmentVariable: "PINHOLE_CLI_BIN")
            let full = arguments + ["--socket", daemon.controlSocketPath]
            guard let groups else { return try CommandRunner.run(cli, full) }
            let credentials = ["--reuid", "65534", "--regid", "65534"] + (groups.isEmpty ? ["--clear-groups"] : ["--groups", groups.joined(separator: ",")])
            return try CommandRunner.run(URL(fileURLWithPath: "/usr/bin/setpriv"), credentials + [cli.path] + full)
        }
    }

    @Test func readersReadStatusButOnlyRootAndAdminsChangePolicy() throws {
        let stage = try Stage()
        let before = try Data(contentsOf: stage.shop)

        // No group: not even status.
        let stranger = try stage.pinhole(["status"], groups: [])
        #expect(stranger.output.contains("permission denied"), "\(stranger.output)")
        // The reader group: status, but no edit.
        let reader = try stage.pinhole(["status", "--json"], groups: [Self.readerGID])
        #expect(reader.status == 0 && reader.output.contains("\"version\"") && reader.output.contains("\"policy\""), "\(reader.output)")
        let refused = try stage.pinhole(["allow", "shop", "blocked.example"], groups: [Self.readerGID])
        #expect(refused.status != 0 && refused.output.contains("pinhole allow: permission denied"), "\(refused.output)")
        #expect(try stage.pinhole(["reload"], groups: [Self.readerGID]).output.contains("permission denied"))
        #expect(try Data(contentsOf: stage.shop) == before)
        let logged = stage.daemon.log.split(separator: "\n").first { $0.contains("permission denied for allow") }
        #expect(logged?.contains("uid=65534") == true && logged?.contains("op=allow") == true, "\(stage.daemon.log.suffix(2000))")
        #expect(try stage.dig("app-a.scope", "blocked.example") == ["0.0.0.0"])

        // The admin group may change it.
        let admin = try stage.pinhole(["allow", "shop", "blocked.example"], groups: [Self.adminGID])
        #expect(admin.status == 0 && admin.output.contains("shop: allowed blocked.example"), "\(admin.output) \(stage.daemon.log.suffix(2000))")
        #expect(try stage.dig("app-a.scope", "blocked.example") == ["192.0.2.1"])
    }

    @Test func rootAllowsDeniesAndSetsModesWithoutARestart() throws {
        let stage = try Stage()
        let pid = stage.daemon.process.processIdentifier
        #expect(try stage.dig("app-a.scope", "new.example") == ["0.0.0.0"])

        let allowed = try stage.pinhole(["allow", "shop", "new.example"])
        #expect(allowed.status == 0, "\(allowed.output)")
        #expect(allowed.output == "shop: allowed new.example (\(stage.shop.path) line 5); reloaded\n", "\(allowed.output)")
        #expect(try stage.dig("app-a.scope", "new.example") == ["192.0.2.1"])
        // Only the one line was added: comments, CRLF and the rest are as they were.
        let edited = try String(contentsOf: stage.shop, encoding: .utf8)
        #expect(edited == Self.shopProfile.replacingOccurrences(of: "  \"allowed.example\",  # its API\r\n", with: "  \"allowed.example\",  # its API\r\n  \"new.example\",\r\n"))
        let again = try stage.pinhole(["allow", "shop", "NEW.example"])
        #expect(again.status == 0 && again.output.contains("already"), "\(again.output)")

        let removed = try stage.pinhole(["allow", "--remove", "shop", "new.example"])
        #expect(removed.status == 0, "\(removed.output)")
        #expect(try String(contentsOf: stage.shop, encoding: .utf8) == Self.shopProfile)
        #expect(try stage.dig("app-a.scope", "new.example") == ["0.0.0.0"])

        #expect(try stage.pinhole(["deny", "browser", "other.example"]).status == 0)
        #expect(try stage.dig("app-b.scope", "other.example") == ["0.0.0.0"])
        #expect(try stage.pinhole(["mode", "shop", "learn"]).output.contains("shop: mode learn"))
        #expect(try stage.dig("app-a.scope", "anything.example") == ["192.0.2.1"])

        // A unit without a profile gets one; a name that is neither is refused with the close ones.
        let created = try stage.pinhole(["deny", "app-c.scope", "tracker.example"])
        #expect(created.status == 0 && created.output.contains("new profile"), "\(created.output)")
        #expect(try stage.dig("app-c.scope", "tracker.example") == ["0.0.0.0"])
        #expect(try stage.dig("app-c.scope", "fine.example") == ["192.0.2.1"])
        let unknown = try stage.pinhole(["allow", "shoop", "x.example"])
        #expect(unknown.status != 0 && unknown.output.contains("no profile \"shoop\"") && unknown.output.contains("close: shop"), "\(unknown.output)")
        let badRule = try stage.pinhole(["allow", "shop", "bad name!"])
        #expect(badRule.status != 0 && badRule.output.contains("not a rule a profile accepts"), "\(badRule.output)")

        let reload = try stage.pinhole(["reload"])
        #expect(reload.output == "reloaded: 3 profiles, 0 lists\n", "\(reload.output)")
        #expect(stage.daemon.process.isRunning && stage.daemon.process.processIdentifier == pid)
        let status = try stage.pinhole(["status"])
        #expect(status.output.contains("policy: 3 profiles, no lists, loaded"), "\(status.output)")
        #expect(status.output.contains("upstreams: 127.0.0.2:53"), "\(status.output)")
        #expect(status.output.contains("cache: ") && status.output.contains(" blocked ("), "\(status.output)")
        // The daemon's report: 7 queries, 4 blocked, the 3 allowed ones forwarded once (new names) and cached.
        let report = try ControlSocketClient(socketPath: stage.daemon.controlSocketPath).status()
        let upstream = try #require(report.upstreams?.first)
        #expect(upstream.address == "127.0.0.2:53" && upstream.answered == 3 && upstream.failed == 0 && upstream.timeouts == 0 && upstream.rttMilliseconds != nil, "\(upstream)")
        #expect(report.queries == 7 && report.counters?.blocked == 4 && report.counters?.attributed == 7 && report.counters?.unknown == 0, "\(report)")
        #expect(report.cache.map { $0.entries == 3 && $0.misses == 3 && $0.hits == 0 } == true && report.listeners == ["\(stage.daemon.endpoint)"], "\(report)")
        #expect(report.policy?.ok == true && report.policy?.profiles == 3)
    }

    @Test func aFailedReloadPutsTheProfileBackByteForByte() throws {
        let stage = try Stage()
        let before = try Data(contentsOf: stage.shop)
        // Another profile broken by hand since the last reload: every reload fails now.
        let browser = stage.profiles.appendingPathComponent("browser.toml")
        try "mode = \"block-listed\"\nmode = \"what\"\n[match]\nunit = \"app-b.scope\"\n".write(to: browser, atomically: true, encoding: .utf8)

        let result = try stage.pinhole(["allow", "shop", "new.example"])
        #expect(result.status != 0, "\(result.output)")
        #expect(result.output.contains("not kept: the reload failed") && result.output.contains("\(browser.path):2"), "\(result.output)")
        #expect(try Data(contentsOf: stage.shop) == before)
        #expect(try stage.dig("app-a.scope", "new.example") == ["0.0.0.0"])
        // A new unit's profile is removed again.
        #expect(try stage.pinhole(["allow", "app-z.scope", "x.example"]).status != 0)
        #expect(!FileManager.default.fileExists(atPath: stage.profiles.appendingPathComponent("app-z.scope.toml").path))
        let status = try stage.pinhole(["status", "--json"])
        #expect(status.output.contains("\"ok\" : false"), "\(status.output)")
        #expect(try stage.dig("app-b.scope", "denied.example") == ["0.0.0.0"])  // the old policy still in force
    }

    @Test func oversizedAndMalformedRequestsGetErrorsAndDNSKeepsAnswering() throws {
        let stage = try Stage()
        let path = stage.daemon.controlSocketPath
        #expect(try Self.exchange(path, "nonsense\n").hasPrefix(#"{"error":"malformed request"#))
        #expect(try Self.exchange(path, "{\"op\":\"allow\",\"app\":\"shop\"}\n") == #"{"error":"allow: no domain given"}"#)
        #expect(try Self.exchange(path, "{\"op\":\"mode\",\"app\":\"shop\",\"mode\":\"strict\"}\n").contains("expected one of enforce"))
        #expect(try Self.exchange(path, "{\"op\":\"allow\",\"app\":\"../etc/x\",\"domain\":\"a.example\"}\n").contains("expected a profile name"))
        let huge = "{\"op\":\"allow\",\"app\":\"shop\",\"domain\":\"" + String(repeating: "a", count: 70_000) + "\"}\n"
        #expect(try Self.exchange(path, huge) == #"{"error":"request too large (at most 65536 bytes)"}"#)
        #expect(try Self.exchange(path, String(repeating: "\u{1}", count: 100) + "\n").hasPrefix(#"{"error":"malformed request"#))
        #expect(stage.daemon.process.isRunning)
        #expect(try stage.dig("app-a.scope", "allowed.example") == ["192.0.2.1"])
    }

    /// Sends `request` on a new connection as root and returns the first reply line.
    static func exchange(_ path: String, _ request: String) throws -> String {
        let fd = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestFailure("socket: \(errno)") }
        defer { close(fd) }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        withUnsafeMutableBytes(of: &address.sun_path) { raw in
            let bytes = Array(path.utf8)
            raw.copyBytes(from: bytes)
            raw[bytes.count] = 0
        }
        let connected = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard connected == 0 else { throw TestFailure("connect \(path): \(errno)") }
        var timeout = timeval(tv_sec: 5, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        let bytes = Array(request.utf8)
        var offset = 0
        while offset < bytes.count {
            let sent = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            // The daemon may close after refusing an oversized request before all is sent.
            if sent <= 0 { break }
            offset += sent
        }
        var reply: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while !reply.contains(UInt8(ascii: "\n")) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count <= 0 { break }
            reply += chunk[..<count]
        }
        return String(decoding: reply.prefix { $0 != UInt8(ascii: "\n") }, as: UTF8.self)
    }
}
