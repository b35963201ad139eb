import Foundation
import Testing
import TestSupport

/// A namespace sandbox with an upstream responder (127.0.0.2:53) and the
/// real pinholed on 127.0.0.1:53 and [::1]:53 in
/// system.slice/pinholed.service: the stage for the attribution e2e tests.
final class AttributionSandbox {
    let sandbox: NamespaceSandbox
    let daemon: DaemonProcess
    /// A folder both the test and the sandbox see (the mount namespace is a copy).
    let folder: URL

    init(configText: String? = nil, extraListen: [String] = [], beforeDaemon: (NamespaceSandbox) throws -> Void = { _ in }) throws {
        sandbox = try NamespaceSandbox()
        folder = FileManager.default.temporaryDirectory.appendingPathComponent("pinhole-attr-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true)
        _ = try sandbox.startResponder()
        try beforeDaemon(sandbox)
        daemon = try sandbox.startDaemon(
            upstreams: ["127.0.0.2:53"], configText: configText,
            arguments: (["[::1]:53"] + extraListen).flatMap { ["--listen", $0] })
    }

    deinit {
        sandbox.shutdown()
        try? FileManager.default.removeItem(at: folder)
    }

    /// Starts the test client in `cgroup` querying pinholed for `name`.
    func client(_ cgroup: String, name: String, _ arguments: [String] = [], server: String = "127.0.0.1:53") throws -> SandboxProcess {
        try sandbox.spawnTestClient(cgroup: cgroup, arguments: ["--server", server, "--name", name] + arguments)
    }

    /// The query line(s) pinholed logged for `name` (waits for `count`).
    func lines(for name: String, count: Int = 1, seconds: Double = 10) -> [[String: String]] {
        QueryLogLines.wait(for: daemon, count: count, seconds: seconds) { $0["qname"] == name + "." }
    }

    /// The one line for `name`, or a test failure showing the log.
    func line(for name: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: String] {
        let found = lines(for: name)
        return try #require(found.first, "no query line for \(name) in:\n\(daemon.log.suffix(3000))", sourceLocation: sourceLocation)
    }

    /// A copy of the test client at a path of its own (another executable).
    func copyOfTestClient(named name: String) throws -> String {
        let copy = folder.appendingPathComponent(name).path
        try FileManager.default.copyItem(atPath: try BuiltProduct.testClient().path, toPath: copy)
        return copy
    }

    /// The real path of the built test client, as /proc/PID/exe shows it.
    static func testClientPath() throws -> String {
        try BuiltProduct.testClient().resolvingSymlinksInPath().path
    }
}
