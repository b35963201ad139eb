import Foundation
import Glibc
import QueryLog
import Testing
import TestSupport

/// The real pinholed in a namespace sandbox with `profiles` (file name →
/// TOML) and its own database (committed every 100 ms) and control socket,
/// the test responder as its upstream, and dig in cgroups as the apps.
final class QueryLogStage {
    let folder: URL
    let sandbox: NamespaceSandbox
    let daemon: DaemonProcess

    init(profiles: [String: String]) throws {
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-querylog-\(UUID().uuidString)")
        let profilesDirectory = folder.appendingPathComponent("apps.d")
        let lists = folder.appendingPathComponent("lists")
        for directory in [profilesDirectory, lists] { try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true) }
        for (name, text) in profiles {
            try text.write(to: profilesDirectory.appendingPathComponent(name), atomically: true, encoding: .utf8)
        }
        sandbox = try NamespaceSandbox()
        _ = try sandbox.startResponder()
        daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"],
            configText: "[policy]\nprofiles_dir = \"\(profilesDirectory.path)\"\nlists_dir = \"\(lists.path)\"\n[querylog]\nbatch_interval = \"100ms\"\n")
    }

    deinit {
        daemon.stop()
        sandbox.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// dig from `cgroup`; returns its pid and the answer lines.
    @discardableResult
    func dig(_ cgroup: String, _ name: String) throws -> (pid: Int32, answers: [String]) {
        let process = try sandbox.spawn(cgroup: cgroup, executable: "dig", arguments: ["@127.0.0.1", "+short", "+tries=1", "+time=3", name])
        #expect(process.waitForExit() == 0, "\(process.stderr)")
        return (process.pid, process.stdout.split(separator: "\n").map(String.init))
    }

    /// The database's rows once `count` are there (or after 10 s).
    @discardableResult
    func rows(atLeast count: Int, filter: QueryFilter = QueryFilter()) throws -> [LoggedQuery] {
        QueryLogRows.wait(path: daemon.queryLogPath, atLeast: count, filter: filter)
    }
}
